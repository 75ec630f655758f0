with

source as (
    select * from {{ source('pole_emploi', 'jobseeker_spells') }}
),

codes as (
    select
        code_set,
        code
    from {{ ref('contract_codes') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(spell_id) as spell_id,
        upper(trim(nir)) as nir,
        trim(date_inscription) as date_inscription,
        trim(date_fin) as date_fin,
        upper(trim(categorie)) as categorie,
        trim(annee_naissance) as annee_naissance,
        upper(trim(niveau_formation)) as niveau_formation,
        lower(trim(is_rsa)) as is_rsa,
        lower(trim(is_boeth)) as is_boeth,
        lower(trim(is_qpv)) as is_qpv
    from source
),

typed as (
    select
        trimmed.*,
        {{ pseudonymise('trimmed.nir') }} as person_id,
        {{ safe_date('trimmed.date_inscription') }} as registration_date,
        {{ safe_date('trimmed.date_fin') }} as spell_end_date,
        {{ dbt.safe_cast('trimmed.annee_naissance', api.Column.translate_type('integer')) }} as birth_year,
        categories.code is not null as is_known_categorie,
        levels.code is not null as is_known_niveau
    from trimmed
    left join codes as categories
        on trimmed.categorie = categories.code and categories.code_set = 'categorie_demandeur'
    left join codes as levels
        on trimmed.niveau_formation = levels.code and levels.code_set = 'niveau_formation'
),

{{ quarantine(
    from_cte='typed',
    source_table='jobseeker_spells',
    key_column='spell_id',
    required=[
        'spell_id', 'nir', 'date_inscription', 'categorie', 'annee_naissance', 'niveau_formation',
        'is_rsa', 'is_boeth', 'is_qpv',
    ],
    rules=[
        {'rule': 'nir_format', 'column': 'nir', 'broken': 'not ' ~ is_valid_nir('nir')},
    ] + date_rules('date_inscription', 'registration_date') + date_rules('date_fin', 'spell_end_date') + [
        {'rule': 'date_order', 'column': 'date_fin', 'broken': 'spell_end_date < registration_date'},
        set_rule('categorie', 'is_known_categorie'),
        {'rule': 'bad_type', 'column': 'annee_naissance', 'broken': 'birth_year is null'},
        {'rule': 'out_of_range', 'column': 'annee_naissance',
         'broken': 'birth_year not between ' ~ var('contract_min_birth_year') ~ ' and ' ~ var('contract_max_birth_year')},
        set_rule('niveau_formation', 'is_known_niveau'),
        boolean_rule('is_rsa'),
        boolean_rule('is_boeth'),
        boolean_rule('is_qpv'),
    ],
    columns=[
        'spell_id', 'person_id', 'registration_date', 'spell_end_date', 'categorie', 'birth_year',
        'niveau_formation', "is_rsa = 'true' as is_rsa", "is_boeth = 'true' as is_boeth",
        "is_qpv = 'true' as is_qpv",
    ],
    masked=['nir'],
) }}

select * from quarantined
