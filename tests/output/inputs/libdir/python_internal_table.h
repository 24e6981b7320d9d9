static PyModuleDef_Slot internal_slots[] = { {0, NULL} };
static struct PyModuleDef internal_def = {
    PyModuleDef_HEAD_INIT, "internal", NULL, 0, NULL, internal_slots, NULL, NULL, NULL,
};
