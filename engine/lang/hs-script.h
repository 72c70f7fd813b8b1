/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-script.h: reading a script (.cmm) file.
 *
 * The one reader for every script, whoever runs it (DO, --batch, a session);
 * hs-practice.h compiles what it reads. A script is input Hyperscope does not
 * control: it must be a regular file of valid UTF-8 no bigger than
 * HS_SCRIPT_MAX_BYTES.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HS_SCRIPT_MAX_BYTES (4u << 20)

/* The file's text (NUL-terminated, @length bytes without the NUL), checked as above. */
char      *hs_script_read_text (const char   *path,
                                gsize        *length,
                                GError      **error);

G_END_DECLS
