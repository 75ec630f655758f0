-- The only reader of the hire-declaration file: everything downstream reuses this table.
with

source as (
    select * from {{ source('dpae', 'hire_declarations') }}
),

establishments as (
    select siret from {{ ref('stg_sirene__establishments') }}
),

natures as (
    select nature_contrat from {{ ref('contract_natures') }}
),

data_window as (
    select
        start_date as data_start_date,
        end_date as data_end_date
    from {{ ref('experiment_calendar') }}
    where window_name = 'data'
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(declaration_id) as declaration_id,
        trim(siret) as siret,
        upper(trim(nir)) as nir,
        trim(date_embauche) as date_embauche,
        upper(trim(nature_contrat)) as nature_contrat,
        trim(date_fin_contrat) as date_fin_contrat,
        trim(date_declaration) as date_declaration
    from source
),

typed as (
    select
        trimmed.*,
        {{ pseudonymise('trimmed.nir') }} as person_id,
        {{ safe_date('trimmed.date_embauche') }} as hire_date,
        {{ safe_date('trimmed.date_fin_contrat') }} as contract_end_date,
        {{ safe_timestamp('trimmed.date_declaration') }} as declared_at,
        establishments.siret is not null as is_known_establishment,
        natures.nature_contrat is not null as is_known_nature,
        data_window.data_start_date,
        data_window.data_end_date
    from trimmed
    cross join data_window
    left join establishments on trimmed.siret = establishments.siret
    left join natures on trimmed.nature_contrat = natures.nature_contrat
),

{{ quarantine(
    from_cte='typed',
    source_table='hire_declarations',
    key_column='declaration_id',
    required=['declaration_id', 'siret', 'nir', 'date_embauche', 'nature_contrat', 'date_declaration'],
    rules=[
        {'rule': 'siret_format', 'column': 'siret', 'broken': 'not ' ~ is_valid_siret('siret')},
        {'rule': 'unknown_establishment', 'column': 'siret', 'broken': 'not is_known_establishment'},
        {'rule': 'nir_format', 'column': 'nir', 'broken': 'not ' ~ is_valid_nir('nir')},
        {'rule': 'bad_type', 'column': 'date_embauche', 'broken': 'hire_date is null'},
        {'rule': 'out_of_range', 'column': 'date_embauche',
         'broken': 'hire_date not between data_start_date and data_end_date'},
        set_rule('nature_contrat', 'is_known_nature'),
        {'rule': 'missing_value', 'column': 'date_fin_contrat',
         'broken': "nature_contrat in ('CDD', 'CTT') and date_fin_contrat is null"},
        {'rule': 'not_in_set', 'column': 'date_fin_contrat',
         'broken': "nature_contrat = 'CDI' and date_fin_contrat is not null"},
    ] + date_rules('date_fin_contrat', 'contract_end_date') + [
        {'rule': 'date_order', 'column': 'date_fin_contrat', 'broken': 'contract_end_date < hire_date'},
    ] + date_rules('date_declaration', 'declared_at'),
    columns=[
        'declaration_id', 'siret', 'person_id', 'hire_date', 'nature_contrat', 'contract_end_date',
        'declared_at',
    ],
    masked=['nir'],
) }}

select * from quarantined
