-- Counted hires and job offers per establishment and calendar month, only months with something.
-- The one place the evaluation reads hires and offers: every outcome mart aggregates this table.
{{ config(materialized='table') }}

with

hires as (
    select * from {{ ref('int_hires_jobseeker_status') }}
),

offers as (
    select * from {{ ref('stg_pole_emploi__job_offers') }}
),

hire_months as (
    select
        siret,
        cast({{ dbt.date_trunc('month', 'hire_date') }} as date) as month_start,
        count(*) as hires,
        sum(case when is_durable_hire then 1 else 0 end) as durable_hires,
        sum(case when is_jobseeker_hire then 1 else 0 end) as jobseeker_hires,
        sum(case when is_furthest_hire then 1 else 0 end) as furthest_jobseeker_hires,
        0 as offers_posted,
        0 as offers_filled_pe
    from hires
    group by siret, cast({{ dbt.date_trunc('month', 'hire_date') }} as date)
),

posted_months as (
    select
        siret,
        cast({{ dbt.date_trunc('month', 'published_date') }} as date) as month_start,
        0 as hires,
        0 as durable_hires,
        0 as jobseeker_hires,
        0 as furthest_jobseeker_hires,
        count(*) as offers_posted,
        0 as offers_filled_pe
    from offers
    group by siret, cast({{ dbt.date_trunc('month', 'published_date') }} as date)
),

filled_months as (
    select
        siret,
        cast({{ dbt.date_trunc('month', 'closed_date') }} as date) as month_start,
        0 as hires,
        0 as durable_hires,
        0 as jobseeker_hires,
        0 as furthest_jobseeker_hires,
        0 as offers_posted,
        count(*) as offers_filled_pe
    from offers
    where is_filled_by_service
    group by siret, cast({{ dbt.date_trunc('month', 'closed_date') }} as date)
),

stacked as (
    select * from hire_months
    union all
    select * from posted_months
    union all
    select * from filled_months
),

combined as (
    select
        siret,
        month_start,
        cast(sum(hires) as bigint) as hires,
        cast(sum(durable_hires) as bigint) as durable_hires,
        cast(sum(jobseeker_hires) as bigint) as jobseeker_hires,
        cast(sum(furthest_jobseeker_hires) as bigint) as furthest_jobseeker_hires,
        cast(sum(offers_posted) as bigint) as offers_posted,
        cast(sum(offers_filled_pe) as bigint) as offers_filled_pe
    from stacked
    group by siret, month_start
)

select * from combined
