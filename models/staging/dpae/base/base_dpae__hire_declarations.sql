-- The only reader of the hire-declaration file: everything downstream reuses this table.
-- Incremental by declaration date (README, Performance): a delivery appends the declarations of new
-- days to the file; a run re-reads the rows declared since the latest valid declaration loaded, minus
-- a look-back window for rows that arrive late, and replaces them by raw_line (file order is stable).
-- On Spark the warehouse is plain Parquet (no Delta): no delete nor merge, so a table rebuilt each run.
{{ config(
    materialized='table' if target.type == 'spark' else 'incremental',
    unique_key='raw_line',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

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

{% if is_incremental() %}
    watermark as (
        select max(declared_at) as latest_declared_at from {{ this }}
        where rejection_rule is null
    ),
{% endif %}

-- Incremental runs read the rows declared in the window, and rows without a usable declaration date
-- (no place on the date axis: always re-read, they are rejected anyway). A row declared before the
-- window is not seen until a --full-refresh.
to_load as (
    select trimmed.*
    from trimmed
    {% if is_incremental() -%}
        cross join watermark
        where
            watermark.latest_declared_at is null
            or {{ safe_timestamp('trimmed.date_declaration') }} is null
            or cast({{ safe_timestamp('trimmed.date_declaration') }} as date)
            not between {{ dbt.cast("'" ~ var('contract_min_date') ~ "'", api.Column.translate_type('date')) }}
            and {{ dbt.cast("'" ~ var('contract_max_date') ~ "'", api.Column.translate_type('date')) }}
            or {{ safe_timestamp('trimmed.date_declaration') }}
            >= {{ dbt.dateadd('day', -1 * var('hire_declarations_lookback_days'), 'watermark.latest_declared_at') }}
    {%- endif %}
),

{% if is_incremental() %}
-- The first line of each re-delivered declaration_id already loaded: a later copy is a duplicate_id,
-- as in a full refresh.
    delivered_ids as (
        select distinct declaration_id from to_load
    ),

    loaded_keys as (
        select
            loaded.declaration_id,
            min(loaded.raw_line) as first_raw_line
        from {{ this }} as loaded
        inner join delivered_ids
            on loaded.declaration_id = delivered_ids.declaration_id
        group by loaded.declaration_id
    ),
{% endif %}

typed as (
    select
        to_load.*,
        {{ pseudonymise('to_load.nir') }} as person_id,
        {{ safe_date('to_load.date_embauche') }} as hire_date,
        {{ safe_date('to_load.date_fin_contrat') }} as contract_end_date,
        {{ safe_timestamp('to_load.date_declaration') }} as declared_at,
        establishments.siret is not null as is_known_establishment,
        natures.nature_contrat is not null as is_known_nature,
        data_window.data_start_date,
        data_window.data_end_date,
        {{ 'loaded_keys.first_raw_line' if is_incremental() else dbt.cast('null', dbt.type_bigint()) }} as first_loaded_raw_line
    from to_load
    cross join data_window
    left join establishments on to_load.siret = establishments.siret
    left join natures on to_load.nature_contrat = natures.nature_contrat
    {%- if is_incremental() %}
        left join loaded_keys on to_load.declaration_id = loaded_keys.declaration_id
    {%- endif %}
),

{#- A SIRET found among the staged establishments passed their own siret_format check: the Luhn
    sums (a fifth of this model's time) run only on the others. The last rule is for incremental
    runs: an id already loaded from an earlier line is a duplicate_id, just before the quarantine's
    own duplicate_id check finds the copies within the rows read. -#}
{{ quarantine(
    from_cte='typed',
    source_table='hire_declarations',
    key_column='declaration_id',
    required=['declaration_id', 'siret', 'nir', 'date_embauche', 'nature_contrat', 'date_declaration'],
    rules=[
        {'rule': 'siret_format', 'column': 'siret',
         'broken': 'not case when is_known_establishment then true else ' ~ is_valid_siret('siret') ~ ' end'},
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
    ] + date_rules('date_declaration', 'declared_at') + [
        {'rule': 'duplicate_id', 'column': 'declaration_id', 'broken': 'first_loaded_raw_line < raw_line'},
    ],
    columns=[
        'declaration_id', 'siret', 'person_id', 'hire_date', 'nature_contrat', 'contract_end_date',
        'declared_at',
    ],
    masked=['nir'],
) }}

select * from quarantined
