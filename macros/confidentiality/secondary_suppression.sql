{#- The publishing rule's secondary suppression, written once: when exactly one cell of a group of
    siblings is hidden and their total is published, that cell could be recomputed as total minus
    siblings, so the smallest non-empty published sibling is hidden as well; when no sibling can be
    hidden, the total is. Returns a boolean expression to be used in a select over `relation_cte`,
    whose rows are the cells and their totals:
      primary_flag: boolean column, the primary suppression (is_disclosive) of the row;
      group_by: the columns that define a group of siblings and their total (e.g. ['stage']);
      is_total: boolean column, true on the total row of the group;
      size: the cell's size used to pick the sibling to hide (e.g. n_firms);
      key: the column that breaks ties between siblings of the same size. -#}
{% macro secondary_suppression(primary_flag, group_by, is_total, size, key) -%}
    {%- set group_list = group_by | join(', ') -%}
    (
        {{ primary_flag }}
        or (
            sum(case when {{ primary_flag }} and not {{ is_total }} then 1 else 0 end)
                over (partition by {{ group_list }}) = 1
            and (
                (
                    not {{ is_total }}
                    and not {{ primary_flag }}
                    and {{ size }} > 0
                    and row_number() over (
                        partition by {{ group_list }},
                        case when not {{ is_total }} and not {{ primary_flag }} and {{ size }} > 0 then 0 else 1 end
                        order by {{ size }} asc, {{ key }} asc
                    ) = 1
                )
                or (
                    {{ is_total }}
                    and sum(
                        case when not {{ is_total }} and not {{ primary_flag }} and {{ size }} > 0 then 1 else 0 end
                    ) over (partition by {{ group_list }}) = 0
                )
            )
        )
    )
{%- endmacro %}
