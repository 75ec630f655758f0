{#- The one quarantine used by every base model: tags each raw row with the first contract rule it breaks.
    Arguments:
      from_cte      CTE holding the raw text columns (contract names), `raw_line`, and any typed columns
      source_table  the raw table's name, as written in rejected_rows
      key_column    the primary key; a second row with the same key breaks `duplicate_id`
      required      columns that must not be NULL (rule `missing_value`), checked first in this order
      rules         list of {rule, column, broken}: `broken` is a SQL condition, true when the rule fails
      columns       the columns the base model keeps (typed names); raw text columns not listed are dropped;
                    none keeps every column (the base model then selects what it keeps)
      masked        columns whose bad value is personal data: written as '<masked>' in rejected_rows (so is
                    any bad value that holds a NIR, whatever its column, and such a raw key)
      key_source    CTE holding key_column and raw_line, read to find the repeated keys (default from_cte):
                    the narrowest CTE available, before any typing or look-up
    Output: `columns`, raw_line, raw_key, rejection_rule, rejection_column, bad_value (NULL rule = valid row). -#}
{% macro quarantine(from_cte, source_table, key_column, required, rules, columns, masked=[], key_source=none) -%}
    {%- set checks = [] -%}
    {%- for column in required -%}
        {%- do checks.append({'rule': 'missing_value', 'column': column, 'broken': column ~ ' is null'}) -%}
    {%- endfor -%}
    {%- do checks.extend(rules) -%}
    {%- if key_column -%}
        {%- do checks.append({'rule': 'duplicate_id', 'column': key_column, 'broken': 'repeats_earlier_key'}) -%}
    {%- endif %}

{%- if key_column %}

-- A key's second and later lines are duplicate_ids. Found by aggregating the keys, not by numbering
-- every row in a window: the window sorts all the wide rows, and repeated keys are rare.
repeated_keys as (
    select
        {{ key_column }} as repeated_key,
        min(raw_line) as first_raw_line
    from {{ key_source or from_cte }}
    group by {{ key_column }}
    having count(*) > 1
),
{%- endif %}

numbered as (
    select
        {{ from_cte }}.*,
        {%- if key_column %}
        coalesce(repeated_keys.first_raw_line < {{ from_cte }}.raw_line, false) as repeats_earlier_key
    from {{ from_cte }}
    left join repeated_keys on {{ from_cte }}.{{ key_column }} = repeated_keys.repeated_key
        {%- else %}
        false as repeats_earlier_key
    from {{ from_cte }}
        {%- endif %}
),

first_broken_rule as (
    select
        *,
        case
            {%- for check in checks %}
            when {{ check.broken }} then {{ loop.index }}
            {%- endfor %}
        end as rule_index
    from numbered
),

quarantined as (
    select
        {%- if columns is none %}
        first_broken_rule.*,
        {%- else %}
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        raw_line,
        {%- endif %}
        {%- set raw_key = 'cast(' ~ (key_column or 'raw_line') ~ ' as ' ~ dbt.type_string() ~ ')' %}
        case when rule_index is null then {{ raw_key }} else {{ mask_nir_token(raw_key) }} end as raw_key,
        case rule_index
            {%- for check in checks %}
            when {{ loop.index }} then '{{ check.rule }}'
            {%- endfor %}
        end as rejection_rule,
        case rule_index
            {%- for check in checks %}
            when {{ loop.index }} then '{{ check.column }}'
            {%- endfor %}
        end as rejection_column,
        case rule_index
            {%- for check in checks %}
            when {{ loop.index }} then
                {%- if check.column in masked %} '<masked>'
                {%- else %} {{ mask_nir_token('cast(' ~ check.column ~ ' as ' ~ dbt.type_string() ~ ')') }}
                {%- endif %}
            {%- endfor %}
        end as bad_value
    from first_broken_rule
)
{%- endmacro %}

{#- The columns every base model keeps from quarantine() beside its own: where the row came from and
    its verdict (NULL rule = valid row). -#}
{% macro quarantine_verdict() -%}
    raw_line,
    raw_key,
    rejection_rule,
    rejection_column,
    bad_value
{%- endmacro %}
