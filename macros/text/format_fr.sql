{#- A number as French text with `scale` decimals (decimal comma), for sentences counsellors read. -#}
{% macro format_fr(expression, scale=1) -%}
    replace(
        cast(cast({{ expression }} as decimal(18, {{ scale }})) as {{ dbt.type_string() }}), '.', ','
    )
{%- endmacro %}
