/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-listing.h: code as a reader wants it: instructions, with the function
 * names that start there and (mixed) the source lines they came from.
 *
 * One builder for the window's disassembly and Data.List /Mix. It looks up
 * symbols and DWARF lines and reads source files, so it blocks: call it from
 * a thread, never the GUI's.
 */
#pragma once

#include "hs-disasm.h"
#include "hs-engine.h"

G_BEGIN_DECLS

typedef enum
{
  HS_LISTING_SYMBOL,            /* a function starts here: text is its name */
  HS_LISTING_SOURCE,            /* the source line of the instructions below */
  HS_LISTING_INSTRUCTION,
} HsListingKind;

typedef struct
{
  HsListingKind kind;
  guint64 address;              /* of the instruction (or the one a label or line is for) */
  char *text;                   /* symbol name; source text ("" if the file is not found) */
  char *file;                   /* source: the file as DWARF names it */
  guint line;                   /* source: its line */
  gboolean readable;            /* instruction: its bytes could be read */
  HsInstruction insn;           /* instruction, when readable */
  char *symbol;                 /* instruction: "function+0x10", or NULL */
  char *target;                 /* instruction: a branch target's symbol, or NULL */
} HsListingLine;

void    hs_listing_line_clear (HsListingLine *line);

/* Lines for @len bytes of @machine's code at @base (@valid: per byte, readable or not). With
 * @mix, each change of source line is a HS_LISTING_SOURCE line. Blocking. */
GArray *hs_listing_build      (HsEngine      *engine,
                               guint          machine,
                               guint64        space,
                               guint64        base,
                               const guint8  *code,
                               const guint8  *valid,
                               gsize          len,
                               gboolean       mix,
                               GCancellable  *cancellable,
                               GError       **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsListingLine, hs_listing_line_clear)

G_END_DECLS
