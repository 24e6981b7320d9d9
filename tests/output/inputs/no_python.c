/* Does not include Python.h: the plugin skips it and says so. */
int add(int a, int b) { return a + b; }
