with

source as (
    select * from {{ source('pole_emploi', 'counsellor_actions') }}
),

establishments as (
    select siret from {{ ref('stg_sirene__establishments') }}
),

agencies as (
    select code_agence from {{ ref('stg_pole_emploi__agencies') }}
),

action_types as (
    select type_action from {{ ref('action_types') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(action_id) as action_id,
        trim(siret) as siret,
        upper(trim(code_agence)) as code_agence,
        trim(conseiller_id) as conseiller_id,
        trim(date_action) as date_action,
        trim(type_action) as type_action
    from source
),

typed as (
    select
        trimmed.*,
        {{ safe_date('trimmed.date_action') }} as action_date,
        establishments.siret is not null as is_known_establishment,
        agencies.code_agence is not null as is_known_agency,
        action_types.type_action is not null as is_known_action_type
    from trimmed
    left join establishments on trimmed.siret = establishments.siret
    left join agencies on trimmed.code_agence = agencies.code_agence
    left join action_types on trimmed.type_action = action_types.type_action
),

{{ quarantine(
    from_cte='typed',
    source_table='counsellor_actions',
    key_column='action_id',
    required=['action_id', 'siret', 'code_agence', 'conseiller_id', 'date_action', 'type_action'],
    rules=[
        {'rule': 'unknown_establishment', 'column': 'siret', 'broken': 'not is_known_establishment'},
        {'rule': 'unknown_agency', 'column': 'code_agence', 'broken': 'not is_known_agency'},
    ] + date_rules('date_action', 'action_date') + [
        set_rule('type_action', 'is_known_action_type'),
    ],
    columns=['action_id', 'siret', 'code_agence', 'conseiller_id', 'action_date', 'type_action'],
) }}

select * from quarantined
