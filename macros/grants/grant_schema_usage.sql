{#- dbt grants privileges on relations only: a role granted select on the marts also needs usage on
    their schema to reach them. Grants usage on each schema to the roles its models grant select to
    (the `grants` config of dbt_project.yml is the one place the roles are named). -#}
{% macro grant_schema_usage() -%}
    {{ return(adapter.dispatch('grant_schema_usage')()) }}
{%- endmacro %}

{#- Engines without grants (DuckDB, Spark session): nothing to do. -#}
{% macro default__grant_schema_usage() -%}
    select 1 as schema_usage_not_granted
{%- endmacro %}

{% macro postgres__grant_schema_usage() -%}
    {%- set usage = {} -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.config.enabled -%}
            {%- for grantee in (node.config.grants or {}).get('select', []) -%}
                {%- do usage.setdefault(node.schema, []) -%}
                {%- if grantee not in usage[node.schema] -%}
                    {%- do usage[node.schema].append(grantee) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {#- A partial build may not have created the schema yet: grant only where it exists. -#}
    {%- for schema, grantees in usage.items() %}
    do $grant$ begin
        if exists (select 1 from pg_namespace where nspname = '{{ schema }}') then
            grant usage on schema {{ adapter.quote(schema) }} to {{ grantees | join(', ') }};
        end if;
    end $grant$;
    {%- endfor %}
    select 1 as schema_usage_granted
{%- endmacro %}
