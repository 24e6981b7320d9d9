/* docs.h - each check's documentation page, embedded from docs/checks/ at
 * build time (cmake/EmbedDocs.cmake), for SARIF rule help. */
#ifndef FTC_DOCS_H
#define FTC_DOCS_H

extern const char ftc_doc_borrowed_ref[];
extern const char ftc_doc_missing_mod_gil[];
extern const char ftc_doc_static_global[];

#endif
