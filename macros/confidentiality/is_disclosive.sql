{#- The publishing rule's primary test (experiments.md, statistical confidentiality), written once for
    every published aggregate over firms: true when the cell covers 1 or 2 firms (fewer than var
    publish_min_firms; an empty cell, 0 firms, is shown) or when one firm contributes more than var
    publish_max_firm_share of its total (INSEE's dominance rule NK(1, 85)).
    n_firms: firms in the cell; largest_share: the largest firm's share of the cell total, NULL when
    the total is 0 (nothing can dominate nothing). -#}
{% macro is_disclosive(n_firms, largest_share) -%}
    (
        ({{ n_firms }} > 0 and {{ n_firms }} < {{ var('publish_min_firms') }})
        or coalesce({{ largest_share }} > {{ var('publish_max_firm_share') }}, false)
    )
{%- endmacro %}
