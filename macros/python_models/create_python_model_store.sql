{#- Where the Python models keep the fingerprint of their last computation (smallfirms.memo). -#}
{% macro create_python_model_store() -%}
    {{ return(adapter.dispatch('create_python_model_store')()) }}
{%- endmacro %}

{#- Postgres and Spark run no Python model: nothing to keep. -#}
{% macro default__create_python_model_store() -%}
    select 1 as python_model_store_not_needed
{%- endmacro %}

{% macro duckdb__create_python_model_store() -%}
    create schema if not exists dbt_meta;
    create table if not exists dbt_meta.python_model_runs (
        model varchar not null,
        fingerprint varchar not null,
        output_hash varchar not null,
        computed_at timestamp not null
    )
{%- endmacro %}
