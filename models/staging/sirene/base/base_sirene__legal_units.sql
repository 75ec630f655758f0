with

source as (
    select * from {{ source('sirene', 'legal_units') }}
),

bands as (
    select tranche_effectifs from {{ ref('headcount_bands') }}
),

typed as (
    select
        source._raw_line as raw_line,
        trim(source.siren) as siren,
        trim(source.denomination) as denomination,
        upper(trim(source.tranche_effectifs_ul)) as tranche_effectifs_ul,
        trim(source.categorie_entreprise) as categorie_entreprise,
        trim(source.date_creation) as date_creation,
        {{ safe_date('trim(source.date_creation)') }} as created_date,
        bands.tranche_effectifs is not null as is_known_band
    from source
    left join bands on upper(trim(source.tranche_effectifs_ul)) = bands.tranche_effectifs
),

{{ quarantine(
    from_cte='typed',
    source_table='legal_units',
    key_column='siren',
    required=['siren', 'denomination', 'tranche_effectifs_ul', 'date_creation'],
    rules=[
        {'rule': 'siren_format', 'column': 'siren', 'broken': 'not ' ~ is_valid_siren('siren')},
        set_rule('tranche_effectifs_ul', 'is_known_band'),
        {'rule': 'not_in_set', 'column': 'categorie_entreprise',
         'broken': "categorie_entreprise not in ('PME', 'ETI', 'GE')"},
    ] + date_rules('date_creation', 'created_date'),
    columns=['siren', 'denomination', 'tranche_effectifs_ul', 'categorie_entreprise', 'created_date'],
) }}

select * from quarantined
