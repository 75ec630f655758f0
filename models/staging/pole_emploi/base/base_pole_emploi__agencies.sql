with

source as (
    select * from {{ source('pole_emploi', 'agencies') }}
),

departments as (
    select
        code_departement,
        code_region
    from {{ ref('departments') }}
),

typed as (
    select
        source._raw_line as raw_line,
        upper(trim(source.code_agence)) as code_agence,
        trim(source.nom_agence) as nom_agence,
        upper(trim(source.code_departement)) as code_departement,
        trim(source.code_region) as code_region,
        trim(source.type_territoire) as type_territoire,
        trim(source.code_agglomeration) as code_agglomeration,
        departments.code_departement is not null as is_known_department,
        departments.code_region as department_region
    from source
    left join departments on upper(trim(source.code_departement)) = departments.code_departement
),

{{ quarantine(
    from_cte='typed',
    source_table='agencies',
    key_column='code_agence',
    required=['code_agence', 'nom_agence', 'code_departement', 'code_region', 'type_territoire'],
    rules=[
        {'rule': 'agency_format', 'column': 'code_agence',
         'broken': 'not ' ~ regex_full_match('code_agence', '([0-9]{2}|2A|2B)[0-9]{3}')},
        set_rule('code_departement', 'is_known_department'),
        {'rule': 'not_in_set', 'column': 'code_region', 'broken': 'code_region <> department_region'},
        {'rule': 'not_in_set', 'column': 'type_territoire',
         'broken': "type_territoire not in ('rural', 'urbain')"},
        {'rule': 'missing_value', 'column': 'code_agglomeration',
         'broken': "type_territoire = 'urbain' and code_agglomeration is null"},
        {'rule': 'not_in_set', 'column': 'code_agglomeration',
         'broken': "type_territoire = 'rural' and code_agglomeration is not null"},
    ],
    columns=[
        'code_agence', 'nom_agence', 'code_departement', 'code_region', 'type_territoire',
        'code_agglomeration',
    ],
) }}

select * from quarantined
