// A project header: findings here are reported (only Python's and system
// headers are exempt).
static PyModuleDef_Slot hdr_slots[] = { // expected-warning {{module 'hdr' does not declare Py_mod_gil in slot table 'hdr_slots'}} expected-note {{once the module is safe}}
    {0, NULL}
};
