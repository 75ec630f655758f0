{#- GENERATED from the sources YAML by `smallfirms contract --write` (make contract): do not edit.
    The raw-data contract as data, so that the quarantine can read it when dbt parses the project
    (its look-ups become dependencies) and in unit tests, where the graph is empty. -#}
{% macro raw_data_contract() -%}
{%- set contract -%}
hire_declarations:
  source: dpae
  key: declaration_id
  not_empty: false
  columns:
  - name: declaration_id
    type: text
    required: true
    personal_data: false
    rules: []
  - name: siret
    type: text
    required: true
    personal_data: false
    rules:
    - {rule: siret_format, identifier: siret}
    - rule: unknown_establishment
      references: {table: establishments, column: siret}
  - name: nir
    type: text
    required: true
    personal_data: true
    rules:
    - {rule: nir_format, identifier: nir}
  - name: date_embauche
    type: date
    required: true
    personal_data: false
    rules:
    - {rule: out_of_range, within_window: data}
  - name: nature_contrat
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed: {seed: contract_natures, column: nature_contrat}
  - name: date_fin_contrat
    type: date
    required: false
    personal_data: false
    rules:
    - rule: missing_value
      required_when:
        column: nature_contrat
        in: [CDD, CTT]
    - rule: not_in_set
      null_when:
        column: nature_contrat
        in: [CDI]
    - {rule: date_order, not_before: date_embauche}
  - name: date_declaration
    type: timestamp
    required: true
    personal_data: false
    rules: []
agencies:
  source: pole_emploi
  key: code_agence
  not_empty: true
  columns:
  - name: code_agence
    type: text
    required: true
    personal_data: false
    rules:
    - {rule: agency_format, pattern: '([0-9]{2}|2A|2B)[0-9]{3}'}
  - name: nom_agence
    type: text
    required: true
    personal_data: false
    rules: []
  - name: code_departement
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed: {seed: departments, column: code_departement}
  - name: code_region
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed:
        seed: departments
        column: code_region
        match: {code_departement: code_departement}
  - name: type_territoire
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed:
        seed: contract_codes
        column: code
        where: {code_set: type_territoire}
  - name: code_agglomeration
    type: text
    required: false
    personal_data: false
    rules:
    - rule: missing_value
      required_when:
        column: type_territoire
        in: [urbain]
    - rule: not_in_set
      null_when:
        column: type_territoire
        in: [rural]
communes:
  source: pole_emploi
  key: code_commune
  not_empty: true
  columns:
  - name: code_commune
    type: text
    required: true
    personal_data: false
    rules:
    - {rule: commune_format, pattern: '([0-9]{2}|2A|2B)[0-9]{3}|97[0-9]{3}'}
  - name: nom_commune
    type: text
    required: true
    personal_data: false
    rules: []
  - name: code_departement
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed: {seed: departments, column: code_departement}
  - name: code_agence
    type: text
    required: true
    personal_data: false
    rules:
    - rule: unknown_agency
      references: {table: agencies, column: code_agence}
jobseeker_spells:
  source: pole_emploi
  key: spell_id
  not_empty: false
  columns:
  - name: spell_id
    type: text
    required: true
    personal_data: false
    rules: []
  - name: nir
    type: text
    required: true
    personal_data: true
    rules:
    - {rule: nir_format, identifier: nir}
  - name: date_inscription
    type: date
    required: true
    personal_data: false
    rules: []
  - name: date_fin
    type: date
    required: false
    personal_data: false
    rules:
    - {rule: date_order, not_before: date_inscription}
  - name: categorie
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed:
        seed: contract_codes
        column: code
        where: {code_set: categorie_demandeur}
  - name: annee_naissance
    type: integer
    required: true
    personal_data: false
    rules:
    - rule: out_of_range
      range: [1940, 2005]
  - name: niveau_formation
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed:
        seed: contract_codes
        column: code
        where: {code_set: niveau_formation}
  - name: is_rsa
    type: boolean
    required: true
    personal_data: false
    rules: []
  - name: is_boeth
    type: boolean
    required: true
    personal_data: false
    rules: []
  - name: is_qpv
    type: boolean
    required: true
    personal_data: false
    rules: []
job_offers:
  source: pole_emploi
  key: offer_id
  not_empty: false
  columns:
  - name: offer_id
    type: text
    required: true
    personal_data: false
    rules: []
  - name: siret
    type: text
    required: true
    personal_data: false
    rules:
    - rule: unknown_establishment
      references: {table: establishments, column: siret}
  - name: code_agence
    type: text
    required: true
    personal_data: false
    rules:
    - rule: unknown_agency
      references: {table: agencies, column: code_agence}
  - name: code_rome
    type: text
    required: true
    personal_data: false
    rules:
    - {rule: rome_format, pattern: '[A-Z][0-9]{4}'}
  - name: nature_contrat
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed: {seed: contract_natures, column: nature_contrat}
  - name: nb_postes
    type: integer
    required: true
    personal_data: false
    rules:
    - rule: out_of_range
      range: [1, 100]
  - name: date_publication
    type: date
    required: true
    personal_data: false
    rules: []
  - name: date_cloture
    type: date
    required: false
    personal_data: false
    rules:
    - {rule: date_order, not_before: date_publication}
  - name: motif_cloture
    type: text
    required: false
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed:
        seed: contract_codes
        column: code
        where: {code_set: motif_cloture}
    - rule: missing_value
      required_when: {column: date_cloture, is_null: false}
    - rule: not_in_set
      null_when: {column: date_cloture, is_null: true}
counsellor_actions:
  source: pole_emploi
  key: action_id
  not_empty: false
  columns:
  - name: action_id
    type: text
    required: true
    personal_data: false
    rules: []
  - name: siret
    type: text
    required: true
    personal_data: false
    rules:
    - rule: unknown_establishment
      references: {table: establishments, column: siret}
  - name: code_agence
    type: text
    required: true
    personal_data: false
    rules:
    - rule: unknown_agency
      references: {table: agencies, column: code_agence}
  - name: conseiller_id
    type: text
    required: true
    personal_data: false
    rules: []
  - name: date_action
    type: date
    required: true
    personal_data: false
    rules: []
  - name: type_action
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed: {seed: action_types, column: type_action}
satisfaction_answers:
  source: pole_emploi
  key: answer_id
  not_empty: false
  columns:
  - name: answer_id
    type: text
    required: true
    personal_data: false
    rules: []
  - name: siret
    type: text
    required: true
    personal_data: false
    rules:
    - rule: unknown_establishment
      references: {table: establishments, column: siret}
  - name: date_reponse
    type: date
    required: true
    personal_data: false
    rules: []
  - name: reponse
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed: {seed: satisfaction_levels, column: reponse}
large_recruiter_enrolments:
  source: pole_emploi
  key: siren
  not_empty: false
  columns:
  - name: siren
    type: text
    required: true
    personal_data: false
    rules:
    - {rule: siren_format, identifier: siren}
  - name: code_region
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed: {seed: experiment_regions, column: code_region}
  - name: date_inscription
    type: date
    required: true
    personal_data: false
    rules:
    - {rule: out_of_range, not_after_window: baseline}
legal_units:
  source: sirene
  key: siren
  not_empty: true
  columns:
  - name: siren
    type: text
    required: true
    personal_data: false
    rules:
    - {rule: siren_format, identifier: siren}
  - name: denomination
    type: text
    required: true
    personal_data: false
    rules: []
  - name: tranche_effectifs_ul
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed: {seed: headcount_bands, column: tranche_effectifs}
  - name: categorie_entreprise
    type: text
    required: false
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed:
        seed: contract_codes
        column: code
        where: {code_set: categorie_entreprise}
  - name: date_creation
    type: date
    required: true
    personal_data: false
    rules: []
establishments:
  source: sirene
  key: siret
  not_empty: true
  columns:
  - name: siret
    type: text
    required: true
    personal_data: false
    rules:
    - {rule: siret_format, identifier: siret}
  - name: siren
    type: text
    required: true
    personal_data: false
    rules:
    - rule: siret_siren_match
      prefix_of: {column: siret, length: 9}
    - rule: unknown_legal_unit
      references: {table: legal_units, column: siren}
  - name: code_naf
    type: text
    required: true
    personal_data: false
    rules:
    - rule: naf_format
      pattern: '[0-9]{2}[.]?[0-9]{2}[A-Z]'
      in_seed: {seed: naf_divisions, column: naf_division, prefix: 2}
  - name: tranche_effectifs
    type: text
    required: true
    personal_data: false
    rules:
    - rule: not_in_set
      in_seed: {seed: headcount_bands, column: tranche_effectifs}
  - name: code_commune
    type: text
    required: true
    personal_data: false
    rules:
    - rule: unknown_commune
      references: {table: communes, column: code_commune}
  - name: date_creation
    type: date
    required: true
    personal_data: false
    rules: []
  - name: date_fermeture
    type: date
    required: false
    personal_data: false
    rules:
    - {rule: date_order, not_before: date_creation}
{%- endset -%}
{{ return(fromyaml(contract)) }}
{%- endmacro %}

{#- The shape of each type's text and of a text holding a NIR (regular expressions the whole text
    matches). -#}
{% macro raw_data_shapes() -%}
{%- set shapes -%}
date: '[0-9]{4}-[0-9]{2}-[0-9]{2}'
timestamp: '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}'
integer: -?[0-9]{1,9}
boolean: true|false
nir_token: (.*[^0-9])?[12][0-9]{2}[0-9]{2}([0-9]{2}|2[ABab])[0-9]{3}[0-9]{3}([0-9]{2})?([^0-9].*)?
{%- endset -%}
{{ return(fromyaml(shapes)) }}
{%- endmacro %}
