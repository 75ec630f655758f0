{#- Generic test on rejected_rows: the share of a raw file's rows that were rejected stays at or below
    `max_share`. Applied twice per file, as a warning (var rejected_share_warn) and as an error (var
    rejected_share_error). It runs after rejected_rows is built, so the evidence is there when it fails;
    the failing row names the file, the most frequent rule and the counts. -#}
{% test rejected_share_below(model, source_table, raw_relation, max_share) %}
    with

    raw_rows as (
        select count(*) as raw_count from {{ raw_relation }}
    ),

    rules as (
        select
            rule,
            count(*) as rule_count
        from {{ model }}
        where source_table = '{{ source_table }}'
        group by rule
    ),

    ranked as (
        select
            rule,
            rule_count,
            sum(rule_count) over () as rejected_count,
            row_number() over (order by rule_count desc, rule) as rule_rank
        from rules
    )

    select
        '{{ source_table }}' as file_name,
        ranked.rule as main_rule,
        ranked.rule_count as main_rule_count,
        ranked.rejected_count,
        raw_rows.raw_count
    from ranked
    cross join raw_rows
    where ranked.rule_rank = 1
        and ranked.rejected_count > {{ max_share }} * raw_rows.raw_count
{% endtest %}
