{#- True when the whole text matches a regular expression; each engine spells it differently. -#}
{% macro regex_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(expression, pattern) -%}
    coalesce(({{ expression }}) ~ '^(?:{{ pattern }})$', false)
{%- endmacro %}

{% macro duckdb__regex_full_match(expression, pattern) -%}
    coalesce(regexp_full_match({{ expression }}, '{{ pattern }}'), false)
{%- endmacro %}

{% macro spark__regex_full_match(expression, pattern) -%}
    coalesce(({{ expression }}) rlike '^(?:{{ pattern }})$', false)
{%- endmacro %}
