with

source as (
    select * from {{ source('pole_emploi', 'job_offers') }}
),

establishments as (
    select siret from {{ ref('stg_sirene__establishments') }}
),

agencies as (
    select code_agence from {{ ref('stg_pole_emploi__agencies') }}
),

natures as (
    select nature_contrat from {{ ref('contract_natures') }}
),

closing_reasons as (
    select code from {{ ref('contract_codes') }}
    where code_set = 'motif_cloture'
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(offer_id) as offer_id,
        trim(siret) as siret,
        upper(trim(code_agence)) as code_agence,
        upper(trim(code_rome)) as code_rome,
        upper(trim(nature_contrat)) as nature_contrat,
        trim(nb_postes) as nb_postes,
        trim(date_publication) as date_publication,
        trim(date_cloture) as date_cloture,
        trim(motif_cloture) as motif_cloture
    from source
),

typed as (
    select
        trimmed.*,
        {{ dbt.safe_cast('trimmed.nb_postes', api.Column.translate_type('integer')) }} as positions,
        {{ safe_date('trimmed.date_publication') }} as published_date,
        {{ safe_date('trimmed.date_cloture') }} as closed_date,
        establishments.siret is not null as is_known_establishment,
        agencies.code_agence is not null as is_known_agency,
        natures.nature_contrat is not null as is_known_nature,
        closing_reasons.code is not null as is_known_closing_reason
    from trimmed
    left join establishments on trimmed.siret = establishments.siret
    left join agencies on trimmed.code_agence = agencies.code_agence
    left join natures on trimmed.nature_contrat = natures.nature_contrat
    left join closing_reasons on trimmed.motif_cloture = closing_reasons.code
),

{{ quarantine(
    from_cte='typed',
    source_table='job_offers',
    key_column='offer_id',
    required=['offer_id', 'siret', 'code_agence', 'code_rome', 'nature_contrat', 'nb_postes', 'date_publication'],
    rules=[
        {'rule': 'unknown_establishment', 'column': 'siret', 'broken': 'not is_known_establishment'},
        {'rule': 'unknown_agency', 'column': 'code_agence', 'broken': 'not is_known_agency'},
        {'rule': 'rome_format', 'column': 'code_rome',
         'broken': 'not ' ~ regex_full_match('code_rome', '[A-Z][0-9]{4}')},
        set_rule('nature_contrat', 'is_known_nature'),
        {'rule': 'bad_type', 'column': 'nb_postes', 'broken': 'positions is null'},
        {'rule': 'out_of_range', 'column': 'nb_postes',
         'broken': 'positions not between 1 and ' ~ var('contract_max_positions')},
    ] + date_rules('date_publication', 'published_date') + date_rules('date_cloture', 'closed_date') + [
        {'rule': 'date_order', 'column': 'date_cloture', 'broken': 'closed_date < published_date'},
        set_rule('motif_cloture', 'is_known_closing_reason'),
        {'rule': 'missing_value', 'column': 'motif_cloture',
         'broken': 'closed_date is not null and motif_cloture is null'},
        {'rule': 'not_in_set', 'column': 'motif_cloture',
         'broken': 'closed_date is null and motif_cloture is not null'},
    ],
    columns=[
        'offer_id', 'siret', 'code_agence', 'code_rome', 'nature_contrat', 'positions',
        'published_date', 'closed_date', 'motif_cloture',
    ],
) }}

select * from quarantined
