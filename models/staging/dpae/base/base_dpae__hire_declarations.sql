-- The only reader of the hire-declaration file: everything downstream reuses this table.
-- Incremental (README, Performance). The declarations come as hire_declarations.csv (the history,
-- to which a delivery may append) and, on DuckDB, as a folder hire_declarations/ of delivery files
-- named by date. A run reads only what the table has not loaded (`delivered_since_last_load`): the
-- new delivery files, whose rows are all new, and the history file if it grew, of which it re-reads
-- the rows declared since the latest valid declaration loaded, minus a look-back window for rows
-- that arrive late, and replaces them by raw_line (file order is stable).
-- On Spark the warehouse is plain Parquet (no Delta): no delete nor merge, so a table rebuilt each run.
{{ config(
    materialized='table' if target.type == 'spark' else 'incremental',
    unique_key='raw_line',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ delivered_since_last_load(source('dpae', 'hire_declarations')) }}
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
        trim(date_declaration) as date_declaration,
        {{ delivery_file_columns('hire_declarations') }}
    from source
),

{% if is_incremental() %}
    watermark as (
        select max(declared_at) as latest_declared_at from {{ this }}
        where rejection_rule is null and delivery_file = '{{ delivery_history_file('hire_declarations') }}'
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
            -- a delivery file's rows are all new; the history file is read from the watermark on
            trimmed.delivery_file <> '{{ delivery_history_file('hire_declarations') }}'
            or (
                watermark.latest_declared_at is null
                or {{ safe_timestamp('trimmed.date_declaration') }} is null
                or cast({{ safe_timestamp('trimmed.date_declaration') }} as date)
                not between {{ dbt.cast("'" ~ var('contract_min_date') ~ "'", api.Column.translate_type('date')) }}
                and {{ dbt.cast("'" ~ var('contract_max_date') ~ "'", api.Column.translate_type('date')) }}
                or {{ safe_timestamp('trimmed.date_declaration') }}
                >= {{ dbt.dateadd('day', -1 * var('hire_declarations_lookback_days'), 'watermark.latest_declared_at') }}
            )
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

to_check as (
    select
        to_load.*,
        {{ 'loaded_keys.first_raw_line' if is_incremental() else dbt.cast('null', dbt.type_bigint()) }} as first_loaded_raw_line
    from to_load
    {% if is_incremental() -%}
        left join loaded_keys on to_load.declaration_id = loaded_keys.declaration_id
    {%- endif %}
),

{#- Incremental runs: an id already loaded from an earlier line is a duplicate_id, just before the
    quarantine's own duplicate_id check finds the copies within the rows read. -#}
{{ contract_quarantine('hire_declarations', from_cte='to_check', loaded_key_column='first_loaded_raw_line') }}

-- The NIR stops here: only its pseudonym goes on.
select
    declaration_id,
    siret,
    {{ pseudonymise('nir') }} as person_id,
    date_embauche__value as hire_date,
    nature_contrat,
    date_fin_contrat__value as contract_end_date,
    date_declaration__value as declared_at,
    delivery_file,
    delivery_bytes,
    -- this run's start: the slice the facts' row-by-row tests read (`__latest_load__`)
    {{ run_started_timestamp() }} as loaded_at,
    {{ quarantine_verdict() }}
from quarantined
