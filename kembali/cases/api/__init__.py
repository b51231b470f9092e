"""The cases app's API endpoints, one module per topic (read, eligibility, ...).
Each module defines a ninja ``router``, added to the API in kembali/api/main.py."""
