"""The synthetic data generator behind `kembali generate` and `kembali demo`.

- draw.py: one case at a time from a seeded random.Random: person (name by
  community, NRIC agreeing with date of birth and sex, address in a real town
  and postcode range), work history, injury or illness, benefits and medical
  board recommendations drawn to meet (or, for ineligible referrals, miss) the
  four eligibility rules, and the way through the workflow;
- vacancies.py: vacancies with the physical demands typical of the occupation;
- names.py, places.py, work.py, medical.py: the tables it draws from;
- rehab.py, after the cases are written: the records each case's history implies
  (assessment, consent, rehabilitation plan with interventions and provider
  referrals, case notes, contacts and tasks), worded from rehab_text.py;
- jpess.py, then: return-to-work outcomes, job placement, follow-ups;
- rows.py: fast batched inserts; builder.py: the run; demo.py: the demo set.

Formats it writes: SOCSO employer codes are "E", the employer's 2-digit state
code (01-16) and a 7-digit serial (E100000123); SOCSO numbers of insured
persons are their NRIC; case numbers continue the yearly counters of
kembali.cases (RTW-<year>-<7 digits>).
"""
