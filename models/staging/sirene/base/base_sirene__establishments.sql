with

source as (
    select * from {{ source('sirene', 'establishments') }}
),

legal_units as (
    select siren from {{ ref('stg_sirene__legal_units') }}
),

communes as (
    select code_commune from {{ ref('stg_pole_emploi__communes') }}
),

bands as (
    select tranche_effectifs from {{ ref('headcount_bands') }}
),

divisions as (
    select naf_division from {{ ref('naf_divisions') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(siret) as siret,
        trim(siren) as siren,
        upper(trim(code_naf)) as code_naf,
        -- NAF is accepted with or without its dot: NNNNL becomes NN.NNL.
        upper(replace(trim(code_naf), '.', '')) as naf_compact,
        upper(trim(tranche_effectifs)) as tranche_effectifs,
        upper(trim(code_commune)) as code_commune,
        trim(date_creation) as date_creation,
        trim(date_fermeture) as date_fermeture
    from source
),

typed as (
    select
        trimmed.*,
        substring(trimmed.naf_compact, 1, 2) || '.' || substring(trimmed.naf_compact, 3, 3) as naf_code,
        substring(trimmed.naf_compact, 1, 2) as naf_division,
        {{ safe_date('trimmed.date_creation') }} as created_date,
        {{ safe_date('trimmed.date_fermeture') }} as closed_date,
        legal_units.siren is not null as is_known_legal_unit,
        communes.code_commune is not null as is_known_commune,
        bands.tranche_effectifs is not null as is_known_band,
        divisions.naf_division is not null as is_known_division
    from trimmed
    left join legal_units on trimmed.siren = legal_units.siren
    left join communes on trimmed.code_commune = communes.code_commune
    left join bands on trimmed.tranche_effectifs = bands.tranche_effectifs
    left join divisions on substring(trimmed.naf_compact, 1, 2) = divisions.naf_division
),

{{ quarantine(
    from_cte='typed',
    source_table='establishments',
    key_column='siret',
    required=['siret', 'siren', 'code_naf', 'tranche_effectifs', 'code_commune', 'date_creation'],
    rules=[
        {'rule': 'siret_format', 'column': 'siret', 'broken': 'not ' ~ is_valid_siret('siret')},
        {'rule': 'siret_siren_match', 'column': 'siren', 'broken': 'substring(siret, 1, 9) <> siren'},
        {'rule': 'unknown_legal_unit', 'column': 'siren', 'broken': 'not is_known_legal_unit'},
        {'rule': 'naf_format', 'column': 'code_naf',
         'broken': 'not (' ~ regex_full_match('code_naf', '[0-9]{2}[.]?[0-9]{2}[A-Z]') ~ ' and is_known_division)'},
        set_rule('tranche_effectifs', 'is_known_band'),
        {'rule': 'unknown_commune', 'column': 'code_commune', 'broken': 'not is_known_commune'},
    ] + date_rules('date_creation', 'created_date') + date_rules('date_fermeture', 'closed_date') + [
        {'rule': 'date_order', 'column': 'date_fermeture', 'broken': 'closed_date < created_date'},
    ],
    columns=[
        'siret', 'siren', 'naf_code', 'naf_division', 'tranche_effectifs', 'code_commune',
        'created_date', 'closed_date',
    ],
) }}

select * from quarantined
