{#- The quarantine of one raw table, generated from its contract (`config.meta.contract` in the sources
    YAML, the one place it is written; vocabulary in src/smallfirms/contract.py), read through the
    macro raw_data_contract() generated from it. -#}

{#- SQL of a literal value. -#}
{% macro contract_literal(value) -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- SQL of a condition `{column, in: [...]}` or `{column, is_null: bool}`. -#}
{% macro contract_condition(condition) -%}
    {%- if 'in' in condition -%}
        {%- set values = [] -%}
        {%- for value in condition['in'] %}{% do values.append(contract_literal(value)) %}{% endfor -%}
        {{ return(condition.column ~ ' in (' ~ values | join(', ') ~ ')') }}
    {%- else -%}
        {{ return(condition.column ~ (' is null' if condition.is_null else ' is not null')) }}
    {%- endif -%}
{%- endmacro %}

{#- The typed value of a raw text column. -#}
{% macro contract_typed_value(column, type) -%}
    {%- if type == 'date' -%}{{ return(safe_date(column)) }}
    {%- elif type == 'timestamp' -%}{{ return(safe_timestamp(column)) }}
    {%- elif type == 'integer' -%}{{ return(safe_integer(column)) }}
    {%- elif type == 'boolean' -%}{{ return("case " ~ column ~ " when 'true' then true when 'false' then false end") }}
    {%- else -%}{{ exceptions.raise_compiler_error('contract: unknown type ' ~ type ~ ' of ' ~ column) }}
    {%- endif -%}
{%- endmacro %}

{#- SQL that is true when an identifier is valid. -#}
{% macro contract_identifier(kind, column) -%}
    {%- if kind == 'siren' -%}{{ return(is_valid_siren(column)) }}
    {%- elif kind == 'siret' -%}{{ return(is_valid_siret(column)) }}
    {%- elif kind == 'nir' -%}{{ return(is_valid_nir(column)) }}
    {%- else -%}{{ exceptions.raise_compiler_error('contract: unknown identifier ' ~ kind ~ ' of ' ~ column) }}
    {%- endif -%}
{%- endmacro %}

{#- The contract of a raw table: {source, key, not_empty, columns: [{name, type, required,
    personal_data, rules}]}. -#}
{% macro contract_of(table_name) -%}
    {%- set contract = raw_data_contract() -%}
    {%- if table_name not in contract -%}
        {{ exceptions.raise_compiler_error('contract: no raw table ' ~ table_name) }}
    {%- endif -%}
    {{ return(contract[table_name]) }}
{%- endmacro %}

{#- The staged model a `references` check looks keys up in: stg_<source>__<table>. -#}
{% macro contract_referenced_model(table_name) -%}
    {{ return('stg_' ~ contract_of(table_name).source ~ '__' ~ table_name) }}
{%- endmacro %}

{#- True when the referenced table's own contract checks `rule` on the referenced column: a value
    found there already passed it, so the check can skip found values (the SIRET Luhn sums of the
    hire declarations run only on the unknown SIRETs). -#}
{% macro contract_checked_upstream(references, rule) -%}
    {%- for column in contract_of(references.table).columns if column.name == references.column -%}
        {%- for upstream in column.rules if upstream.rule == rule -%}
            {{ return(true) }}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- Emits the CTEs `contract_typed` (typed values `<column>__value`, look-ups) and `quarantined`
    (see `quarantine`), reading `from_cte`: the raw text columns under their contract names,
    trimmed, and `raw_line`. `loaded_key_column` (incremental models): the first line already loaded
    with the row's key; a later line is a duplicate_id. Personal-data columns are masked in
    rejected_rows. -#}
{% macro contract_quarantine(table_name, from_cte, loaded_key_column=none) -%}
    {%- set contract = contract_of(table_name) -%}
    {%- set typed, lookups, windows, checks, masked = [], [], [], [], [] -%}
    {%- set found = {} -%}

    {#- Look-ups first: the checks below name their `found` flags. -#}
    {%- for column in contract.columns -%}
        {%- for rule in column.rules -%}
            {%- set flag = 'contract_found_' ~ (lookups | length + 1) -%}
            {%- if rule.in_seed -%}
                {%- set seed = rule.in_seed -%}
                {%- set where = [] -%}
                {%- for seed_column, value in (seed.get('where') or {}).items() -%}
                    {%- do where.append(seed_column ~ ' = ' ~ contract_literal(value)) -%}
                {%- endfor -%}
                {%- set on = [(('substring(' ~ from_cte ~ '.' ~ column.name ~ ', 1, ' ~ seed.prefix ~ ')')
                    if seed.prefix else from_cte ~ '.' ~ column.name) ~ ' = ' ~ flag ~ '.' ~ seed.column] -%}
                {%- set selected = [seed.column] -%}
                {%- for own_column, seed_column in (seed.get('match') or {}).items() -%}
                    {%- do on.append(from_cte ~ '.' ~ own_column ~ ' = ' ~ flag ~ '.' ~ seed_column) -%}
                    {%- do selected.append(seed_column) -%}
                {%- endfor -%}
                {%- do lookups.append({
                    'alias': flag, 'key': seed.column, 'on': on | join(' and '),
                    'relation': '(select distinct ' ~ selected | join(', ') ~ ' from ' ~ ref(seed.seed)
                        ~ (' where ' ~ where | join(' and ') if where else '') ~ ')',
                }) -%}
                {%- do found.update({column.name ~ '/' ~ rule.rule ~ '/in_seed': flag}) -%}
            {%- endif -%}
            {%- if rule.references -%}
                {%- set flag = 'contract_found_' ~ (lookups | length + 1) -%}
                {%- do lookups.append({
                    'alias': flag, 'key': rule.references.column,
                    'on': from_cte ~ '.' ~ column.name ~ ' = ' ~ flag ~ '.' ~ rule.references.column,
                    'relation': '(select ' ~ rule.references.column ~ ' from '
                        ~ ref(contract_referenced_model(rule.references.table)) ~ ')',
                }) -%}
                {%- do found.update({column.name ~ '/references': flag}) -%}
            {%- endif -%}
            {%- for bound in ['within_window', 'not_after_window'] if rule[bound] and rule[bound] not in windows -%}
                {%- do windows.append(rule[bound]) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- for column in contract.columns if column.required -%}
        {%- do checks.append({'rule': 'missing_value', 'column': column.name, 'broken': column.name ~ ' is null'}) -%}
    {%- endfor -%}

    {%- for column in contract.columns -%}
        {%- set name = column.name -%}
        {%- set value = name ~ '__value' -%}
        {%- if column.personal_data %}{% do masked.append(name) %}{% endif -%}
        {%- if column.type != 'text' -%}
            {%- do typed.append({'name': value, 'expression': contract_typed_value(from_cte ~ '.' ~ name, column.type)}) -%}
            {%- do checks.append({'rule': 'bad_type', 'column': name, 'broken': name ~ ' is not null and ' ~ value ~ ' is null'}) -%}
        {%- endif -%}
        {%- for rule in column.rules -%}
            {%- set broken = [] -%}
            {%- if rule.identifier -%}
                {%- set valid = contract_identifier(rule.identifier, name) -%}
                {%- set references = (column.rules | selectattr('references') | map(attribute='references') | list) -%}
                {%- if references and contract_checked_upstream(references[0], rule.rule) -%}
                    {%- set valid = 'case when ' ~ found[name ~ '/references'] ~ ' then true else ' ~ valid ~ ' end' -%}
                {%- endif -%}
                {%- do broken.append('not ' ~ valid) -%}
            {%- endif -%}
            {%- if rule.pattern %}{% do broken.append('not ' ~ regex_full_match(name, rule.pattern)) %}{% endif -%}
            {%- if rule.in_seed %}{% do broken.append('not ' ~ found[name ~ '/' ~ rule.rule ~ '/in_seed']) %}{% endif -%}
            {%- if rule.references %}{% do broken.append('not ' ~ found[name ~ '/references']) %}{% endif -%}
            {%- if rule.range -%}
                {%- do broken.append(value ~ ' not between ' ~ rule.range[0] ~ ' and ' ~ rule.range[1]) -%}
            {%- endif -%}
            {%- if rule.within_window -%}
                {%- set window = 'contract_window_' ~ rule.within_window -%}
                {%- do broken.append(value ~ ' not between ' ~ window ~ '_start and ' ~ window ~ '_end') -%}
            {%- endif -%}
            {%- if rule.not_after_window -%}
                {%- do broken.append(value ~ ' > contract_window_' ~ rule.not_after_window ~ '_end') -%}
            {%- endif -%}
            {%- if rule.not_before %}{% do broken.append(value ~ ' < ' ~ rule.not_before ~ '__value') %}{% endif -%}
            {%- if rule.prefix_of -%}
                {%- do broken.append('substring(' ~ rule.prefix_of.column ~ ', 1, ' ~ rule.prefix_of.length ~ ') <> ' ~ name) -%}
            {%- endif -%}
            {%- if rule.required_when -%}
                {%- do checks.append({'rule': rule.rule, 'column': name,
                    'broken': name ~ ' is null and ' ~ contract_condition(rule.required_when)}) -%}
            {%- elif rule.null_when -%}
                {%- do checks.append({'rule': rule.rule, 'column': name,
                    'broken': name ~ ' is not null and ' ~ contract_condition(rule.null_when)}) -%}
            {%- else -%}
                {%- do checks.append({'rule': rule.rule, 'column': name,
                    'broken': name ~ ' is not null and (' ~ broken | join(' or ') ~ ')'}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if column.type in ['date', 'timestamp'] -%}
            {%- do checks.append({'rule': 'date_order', 'column': name,
                'broken': 'cast(' ~ value ~ ' as date) not between '
                    ~ dbt.cast("'" ~ var('contract_min_date') ~ "'", api.Column.translate_type('date')) ~ ' and '
                    ~ dbt.cast("'" ~ var('contract_max_date') ~ "'", api.Column.translate_type('date'))}) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if loaded_key_column -%}
        {%- do checks.append({'rule': 'duplicate_id', 'column': contract.key, 'broken': loaded_key_column ~ ' < raw_line'}) -%}
    {%- endif %}

contract_typed as (
    select
        {%- for column in typed %}
        {{ column.expression }} as {{ column.name }},
        {%- endfor %}
        {%- for window in windows %}
        contract_window_{{ window }}.start_date as contract_window_{{ window }}_start,
        contract_window_{{ window }}.end_date as contract_window_{{ window }}_end,
        {%- endfor %}
        {%- for lookup in lookups %}
        {{ lookup.alias }}.{{ lookup.key }} is not null as {{ lookup.alias }},
        {%- endfor %}
        {{ from_cte }}.*
    from {{ from_cte }}
    {%- for window in windows %}
    cross join (
        select start_date, end_date from {{ ref('experiment_calendar') }} where window_name = {{ contract_literal(window) }}
    ) as contract_window_{{ window }}
    {%- endfor %}
    {%- for lookup in lookups %}
    left join {{ lookup.relation }} as {{ lookup.alias }} on {{ lookup.on }}
    {%- endfor %}
),

{{ quarantine(
    from_cte='contract_typed',
    source_table=table_name,
    key_column=contract.key,
    required=[],
    rules=checks,
    columns=none,
    masked=masked,
    key_source=from_cte,
) }}
{%- endmacro %}
