{#- A double rounded to `digits` decimals, still a double: Postgres rounds only numerics to a scale. -#}
{% macro round_double(expression, digits) -%}
    {{ return(adapter.dispatch('round_double')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_double(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{#- Through numeric (exact to 15 significant digits, float8's precision), then back to a double. -#}
{% macro postgres__round_double(expression, digits) -%}
    cast(round(cast({{ expression }} as numeric), {{ digits }}) as {{ type_double() }})
{%- endmacro %}
