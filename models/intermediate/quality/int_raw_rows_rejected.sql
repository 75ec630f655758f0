-- The rows the quarantine of the ten base models rejected, one union over the raw files: reference
-- tables first, then facts, in the order the contract lists them.
{{ rejected_rows_of('base_pole_emploi__agencies', 'agencies') }}
union all
{{ rejected_rows_of('base_pole_emploi__communes', 'communes') }}
union all
{{ rejected_rows_of('base_sirene__legal_units', 'legal_units') }}
union all
{{ rejected_rows_of('base_sirene__establishments', 'establishments') }}
union all
{{ rejected_rows_of('base_dpae__hire_declarations', 'hire_declarations') }}
union all
{{ rejected_rows_of('base_pole_emploi__jobseeker_spells', 'jobseeker_spells') }}
union all
{{ rejected_rows_of('base_pole_emploi__job_offers', 'job_offers') }}
union all
{{ rejected_rows_of('base_pole_emploi__counsellor_actions', 'counsellor_actions') }}
union all
{{ rejected_rows_of('base_pole_emploi__satisfaction_answers', 'satisfaction_answers') }}
union all
{{ rejected_rows_of('base_pole_emploi__large_recruiter_enrolments', 'large_recruiter_enrolments') }}
