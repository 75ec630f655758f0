with

source as (
    select * from {{ source('pole_emploi', 'satisfaction_answers') }}
),

establishments as (
    select siret from {{ ref('stg_sirene__establishments') }}
),

levels as (
    select reponse from {{ ref('satisfaction_levels') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(answer_id) as answer_id,
        trim(siret) as siret,
        trim(date_reponse) as date_reponse,
        trim(reponse) as reponse
    from source
),

typed as (
    select
        trimmed.*,
        {{ safe_date('trimmed.date_reponse') }} as answer_date,
        establishments.siret is not null as is_known_establishment,
        levels.reponse is not null as is_known_answer
    from trimmed
    left join establishments on trimmed.siret = establishments.siret
    left join levels on trimmed.reponse = levels.reponse
),

{{ quarantine(
    from_cte='typed',
    source_table='satisfaction_answers',
    key_column='answer_id',
    required=['answer_id', 'siret', 'date_reponse', 'reponse'],
    rules=[
        {'rule': 'unknown_establishment', 'column': 'siret', 'broken': 'not is_known_establishment'},
    ] + date_rules('date_reponse', 'answer_date') + [
        set_rule('reponse', 'is_known_answer'),
    ],
    columns=['answer_id', 'siret', 'answer_date', 'reponse'],
) }}

select * from quarantined
