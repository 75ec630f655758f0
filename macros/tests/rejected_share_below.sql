{#- Generic test on a base model: the share of rejected raw rows stays at or below `max_share`.
    Applied twice per source: once as a warning (var rejected_share_warn), once as an error
    (var rejected_share_error). The failing row names the file, the most frequent rule and the counts. -#}
{% test rejected_share_below(model, source_table, max_share) %}
    with

    counts as (
        select
            count(*) as raw_count,
            sum(case when rejection_rule is not null then 1 else 0 end) as rejected_count
        from {{ model }}
    ),

    rules as (
        select
            rejection_rule,
            count(*) as rule_count,
            row_number() over (order by count(*) desc, rejection_rule) as rule_rank
        from {{ model }}
        where rejection_rule is not null
        group by rejection_rule
    )

    select
        '{{ source_table }}' as file_name,
        rules.rejection_rule as main_rule,
        rules.rule_count as main_rule_count,
        counts.rejected_count,
        counts.raw_count
    from counts
    left join rules on rules.rule_rank = 1
    where counts.rejected_count > {{ max_share }} * counts.raw_count
{% endtest %}
