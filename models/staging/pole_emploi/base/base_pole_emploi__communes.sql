with

source as (
    select * from {{ source('pole_emploi', 'communes') }}
),

agencies as (
    select code_agence from {{ ref('stg_pole_emploi__agencies') }}
),

departments as (
    select code_departement from {{ ref('departments') }}
),

typed as (
    select
        source._raw_line as raw_line,
        upper(trim(source.code_commune)) as code_commune,
        trim(source.nom_commune) as nom_commune,
        upper(trim(source.code_departement)) as code_departement,
        upper(trim(source.code_agence)) as code_agence,
        departments.code_departement is not null as is_known_department,
        agencies.code_agence is not null as is_known_agency
    from source
    left join departments on upper(trim(source.code_departement)) = departments.code_departement
    left join agencies on upper(trim(source.code_agence)) = agencies.code_agence
),

{{ quarantine(
    from_cte='typed',
    source_table='communes',
    key_column='code_commune',
    required=['code_commune', 'nom_commune', 'code_departement', 'code_agence'],
    rules=[
        {'rule': 'commune_format', 'column': 'code_commune',
         'broken': 'not ' ~ regex_full_match('code_commune', '([0-9]{2}|2A|2B)[0-9]{3}|97[0-9]{3}')},
        set_rule('code_departement', 'is_known_department'),
        {'rule': 'unknown_agency', 'column': 'code_agence', 'broken': 'not is_known_agency'},
    ],
    columns=['code_commune', 'nom_commune', 'code_departement', 'code_agence'],
) }}

select * from quarantined
