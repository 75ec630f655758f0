-- Nothing disappears when duplicate declarations are merged: staged declarations = distinct hires +
-- merged duplicates. Returns the counts when they disagree.
with

staged as (
    select count(*) as n_declarations from {{ ref('stg_dpae__hire_declarations') }}
),

merged as (
    select
        count(*) as n_hires,
        sum(n_declarations - 1) as n_merged_duplicates
    from {{ ref('int_hires_deduplicated') }}
)

select
    staged.n_declarations,
    merged.n_hires,
    merged.n_merged_duplicates
from staged
cross join merged
where staged.n_declarations <> merged.n_hires + merged.n_merged_duplicates
