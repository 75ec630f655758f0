{#- A contract date or timestamp text as a typed value, NULL when it does not parse (the quarantine rejects it). -#}
{% macro safe_date(column_name) -%}
    {{ dbt.safe_cast(safe_date_text(column_name, 10), api.Column.translate_type('date')) }}
{%- endmacro %}

{% macro safe_timestamp(column_name) -%}
    {{ dbt.safe_cast(safe_date_text(column_name, 19), api.Column.translate_type('timestamp')) }}
{%- endmacro %}

{#- Only the contract's shapes (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS) are cast, so no engine guesses other layouts. -#}
{% macro safe_date_text(column_name, length) -%}
    case
        when {{ regex_full_match(column_name, '[0-9]{4}-[0-9]{2}-[0-9]{2}' ~ (' [0-9]{2}:[0-9]{2}:[0-9]{2}' if length == 19 else '')) }}
            then {{ column_name }}
    end
{%- endmacro %}
