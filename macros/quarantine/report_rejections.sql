{#- on-run-end: one line per raw file with rejected rows, naming the file, its main rule and the counts,
    and saying when the share passes the warning or the failure threshold (the tests decide the exit code). -#}
{% macro report_rejections() -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set rejected = adapter.get_relation(database=target.database, schema='marts', identifier='rejected_rows') -%}
        {%- if rejected is not none -%}
            {%- set query -%}
                with rules as (
                    select source_table, rule, count(*) as rule_count
                    from {{ rejected }}
                    group by source_table, rule
                ),
                ranked as (
                    select
                        source_table,
                        rule,
                        rule_count,
                        sum(rule_count) over (partition by source_table) as rejected_count,
                        row_number() over (partition by source_table order by rule_count desc, rule) as rule_rank
                    from rules
                )
                select source_table, rule, rule_count, rejected_count
                from ranked
                where rule_rank = 1
                order by source_table
            {%- endset -%}
            {%- for row in run_query(query).rows -%}
                {%- set base = adapter.get_relation(database=target.database, schema='staging', identifier=rejected_base_model(row[0])) -%}
                {%- set raw_count = run_query('select count(*) from ' ~ base).columns[0].values()[0] -%}
                {%- set share = row[3] / raw_count if raw_count else 1 -%}
                {%- set verdict = 'above the failure threshold' if share > rejected_share_limit(row[0], 'error')
                    else ('above the warning threshold' if share > rejected_share_limit(row[0], 'warn') else 'within thresholds') -%}
                {%- do log(
                    'rejected rows: ' ~ env_var('RAW_DATA_DIR', 'data/raw') ~ '/' ~ row[0] ~ '.*: ' ~ row[3] ~ ' of ' ~ raw_count ~ ' rows ('
                    ~ '%.2f' | format(100 * share) ~ ' %), mostly rule ' ~ row[1] ~ ' (' ~ row[2] ~ '), '
                    ~ verdict ~ '; see marts.rejected_rows',
                    info=true
                ) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    select 1 as rejections_reported
{%- endmacro %}

{#- The base model that quarantines a raw table. -#}
{% macro rejected_base_model(source_table) -%}
    {%- set owners = {
        'legal_units': 'sirene', 'establishments': 'sirene', 'hire_declarations': 'dpae',
    } -%}
    {{ return('base_' ~ owners.get(source_table, 'pole_emploi') ~ '__' ~ source_table) }}
{%- endmacro %}
