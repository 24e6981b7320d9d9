/* A system header (-isystem): nothing in it is reported. */
static PyModuleDef_Slot vendor_slots[] = { {0, NULL} };
static struct PyModuleDef vendor_def = {
    PyModuleDef_HEAD_INIT, "vendor", NULL, 0, NULL, vendor_slots, NULL, NULL, NULL,
};
