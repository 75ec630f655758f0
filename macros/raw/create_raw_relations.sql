{#- Exposes each raw file as a relation in schema `raw`, so that sources read the same way on every engine. -#}
{% macro create_raw_relations() -%}
    {{ return(adapter.dispatch('create_raw_relations')()) }}
{%- endmacro %}

{#- Engines with a loader (Postgres, Spark) fill `raw` before dbt runs: nothing to do here. -#}
{% macro default__create_raw_relations() -%}
    select 1 as raw_relations_loaded_elsewhere
{%- endmacro %}

{#- DuckDB reads NAME.csv or NAME.parquet in place: one all-text view per file, with its line number. -#}
{% macro duckdb__create_raw_relations() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var('RAW_DATA_DIR', 'data/raw') | replace("'", "''") -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for node in graph.sources.values() if node.schema == 'raw' -%}
            {%- set name = node.identifier -%}
            {%- set found = run_query(
                "select file from glob('" ~ raw_dir ~ "/" ~ name ~ ".csv')"
                ~ " union all select file from glob('" ~ raw_dir ~ "/" ~ name ~ ".parquet')"
            ).columns[0].values() -%}
            {%- if found | length == 0 -%}
                {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ ".csv: file-level error, missing file (no " ~ name ~ ".csv nor " ~ name ~ ".parquet)") }}
            {%- elif found | length > 1 -%}
                {{ exceptions.raise_compiler_error(raw_dir ~ "/" ~ name ~ ": file-level error, both " ~ name ~ ".csv and " ~ name ~ ".parquet exist; keep one") }}
            {%- endif -%}
            {%- set path = found[0] | replace("'", "''") -%}
            {%- if path.endswith('.parquet') -%}
                {%- set reader = "read_parquet('" ~ path ~ "')" -%}
            {%- else -%}
                {%- set reader = "read_csv('" ~ path ~ "', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')" -%}
            {%- endif -%}
            {%- do run_query(
                "create or replace view raw." ~ name ~ " as select row_number() over () as _raw_line, columns(*)::varchar from " ~ reader
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as raw_relations_created
{%- endmacro %}
