-- The SIREN, SIRET and NIR macros agree with hand-checked examples (python-stdnum agrees with them too,
-- see tests/python/test_identifier_examples.py). Returns every example a macro gets wrong.
with

examples as (
    select * from {{ ref('identifier_examples') }}
),

checked as (
    select
        identifier_kind,
        identifier,
        is_valid,
        case identifier_kind
            when 'siren' then {{ is_valid_siren('identifier') }}
            when 'siret' then {{ is_valid_siret('identifier') }}
            when 'nir' then {{ is_valid_nir('identifier') }}
        end as macro_says_valid
    from examples
)

select * from checked
where macro_says_valid is distinct from is_valid
