{#- Salted SHA-256 of a personal identifier (the NIR): the only form in which it leaves staging.
    The salt comes from NIR_SALT; the demo default is public and only fit for synthetic data. -#}
{% macro pseudonymise(expression) -%}
    {%- set salt = env_var('NIR_SALT', '') -%}
    {%- if salt == '' -%}
        {%- if execute and not flags.WHICH in ('parse', 'list', 'ls') -%}
            {%- do log('WARNING: NIR_SALT is not set; NIRs are hashed with the public demo salt (synthetic data only).', info=true) -%}
        {%- endif -%}
        {%- set salt = 'demo-salt-not-secret' -%}
    {%- endif -%}
    {{ return(adapter.dispatch('sha256_hex')("'" ~ (salt | replace("'", "''")) ~ "' || " ~ expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}
