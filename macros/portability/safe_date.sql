{#- A contract date or timestamp text as a typed value, NULL when it does not parse (the quarantine rejects it). -#}
{% macro safe_date(column_name) -%}
    {{ return(adapter.dispatch('safe_temporal')(column_name, 'date')) }}
{%- endmacro %}

{% macro safe_timestamp(column_name) -%}
    {{ return(adapter.dispatch('safe_temporal')(column_name, 'timestamp')) }}
{%- endmacro %}

{#- DuckDB and Spark have try_cast: a text of the contract's shape that is no calendar date
    (2017-02-30) becomes NULL instead of failing the model. -#}
{% macro duckdb__safe_temporal(column_name, type) -%}
    try_cast({{ contract_shaped(column_name, type) }} as {{ api.Column.translate_type(type) }})
{%- endmacro %}

{% macro spark__safe_temporal(column_name, type) -%}
    {{ duckdb__safe_temporal(column_name, type) }}
{%- endmacro %}

{#- Postgres (15) casts or fails: only texts that are real calendar dates and times are cast. -#}
{% macro default__safe_temporal(column_name, type) -%}
    {%- set shaped = contract_shaped(column_name, type) -%}
    {%- set part = 'cast(substring(' ~ column_name ~ ', {start}, {length}) as integer)' -%}
    {%- set year, month, day = part.format(start=1, length=4), part.format(start=6, length=2), part.format(start=9, length=2) -%}
    cast(case
        when {{ shaped }} is not null
            and {{ year }} >= 1
            and {{ month }} between 1 and 12
            and {{ day }} between 1 and case
                when {{ month }} in (4, 6, 9, 11) then 30
                when {{ month }} <> 2 then 31
                when mod({{ year }}, 4) = 0 and (mod({{ year }}, 100) <> 0 or mod({{ year }}, 400) = 0) then 29
                else 28
            end
            {%- if type == 'timestamp' %}
            and {{ part.format(start=12, length=2) }} < 24
            and {{ part.format(start=15, length=2) }} < 60
            and {{ part.format(start=18, length=2) }} < 60
            {%- endif %}
            then {{ column_name }}
    end as {{ api.Column.translate_type(type) }})
{%- endmacro %}

{#- The text when it has the contract's shape for `type` (macro raw_data_shapes, generated
    from smallfirms.contract), else NULL: no engine guesses other layouts or overflows. -#}
{% macro contract_shaped(column_name, type) -%}
    case
        when {{ regex_full_match(column_name, raw_data_shapes()[type]) }} then {{ column_name }}
    end
{%- endmacro %}

{#- A contract integer text as an integer, NULL unless it has the integer shape (at most 9 digits,
    within a 32-bit integer: no engine fails on 99999999999999999999999). -#}
{% macro safe_integer(column_name) -%}
    cast({{ contract_shaped(column_name, 'integer') }} as {{ api.Column.translate_type('integer') }})
{%- endmacro %}
