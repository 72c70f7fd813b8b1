/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-cexpr-private.h: the C expression evaluator's parts shared between its files:
 *
 *   hs-cexpr.c         the parser and evaluator (expressions, operators), the entry points
 *   hs-cexpr-value.c   errors, types as C sees them, reading and decoding memory, lexing, and
 *                      type names in casts and sizeof
 *   hs-cexpr-print.c   values printed as gdb prints them
 *
 * One evaluation (an Eval) belongs to the thread that runs it; nothing here is shared.
 */
#pragma once

#include "hs-cexpr.h"

G_BEGIN_DECLS

#define MAX_PARSE_DEPTH 64

/* C's integer types, for literals and results, and for casts to a type the file's DWARF never
 * needed (a program without an "unsigned short" has no DIE for it). */
typedef enum
{
  BUILTIN_NONE,
  BUILTIN_INT,          /* comparisons, !, character literals */
  BUILTIN_LONG,         /* integer literals and signed arithmetic */
  BUILTIN_ULONG,        /* unsigned arithmetic, sizeof */
  BUILTIN_UINT,
  BUILTIN_SHORT,
  BUILTIN_USHORT,
  BUILTIN_SCHAR,
  BUILTIN_UCHAR,
  BUILTIN_BOOL,
} Builtin;

typedef struct
{
  const char *name;     /* as spelled; GCC's DWARF name is looked up first */
  guint size;
  gboolean is_signed;
} BuiltinInfo;

extern const BuiltinInfo _hs_cexpr_builtins[];

/* @ptr levels of pointer to (@die, or @builtin, with its first @skip dimensions removed). */
typedef struct
{
  guint64 die;
  guint skip;
  guint ptr;
  Builtin builtin;
} CType;

typedef enum
{
  K_VOID,
  K_INT,
  K_CHAR,
  K_BOOL,
  K_FLOAT,
  K_ENUM,
  K_POINTER,
  K_STRUCT,
  K_UNION,
  K_ARRAY,
  K_FUNCTION,
} Kind;

typedef struct
{
  Kind kind;
  gboolean is_signed;
  gboolean has_size;
  guint64 size;
  guint64 die;          /* the stripped DIE: struct, union, enum */
  CType target;         /* pointer: what it points to; array: its element */
  guint64 count;        /* array: elements in the first remaining dimension (0: unknown) */
} Desc;

typedef struct
{
  CType type;
  gboolean lvalue;
  guint64 address;      /* lvalue */
  guint bit_offset;     /* lvalue bit-field */
  guint bit_size;
  guint64 bits;         /* rvalue: the integer or pointer, two's complement */
  gboolean code;        /* a function's name alone: printed as its address and name */
  guint64 symbol_size;  /* a variable's name alone: the size its symbol gives, for
                         * "extern const char linux_banner[]", whose type has none */
} Value;

typedef struct
{
  const HsCexprContext *ctx;
  const char *text;
  const char *p;
  guint depth;
  guint dry;            /* > 0: parsing the side of && or || C does not evaluate */
  guint describing;     /* describe() inside describe(): arrays of arrays, bounded */
  guint64 enum_hint;    /* the last enum type met: its enumerators are names here, as in
                         * "system_state == SYSTEM_RUNNING" (the file has no index of them) */
  guint64 read_total;
  guint items;
  guint max_depth;
  guint max_elements;
} Eval;

Builtin
_hs_cexpr_builtin_named (const char *c);

gboolean
_hs_cexpr_fail_at (Eval        *ev,
                   const char  *start,
                   GError     **error,
                   const char  *format,
                   ...) G_GNUC_PRINTF (4, 5);

gboolean
_hs_cexpr_fail_with (Eval        *ev,
                     const char  *start,
                     GError     **error,
                     GError      *cause);

CType
_hs_cexpr_ctype (guint64 die);

CType
_hs_cexpr_builtin (Builtin b);

gboolean
_hs_cexpr_describe (Eval        *ev,
                    CType        t,
                    Desc        *d,
                    GError     **error);

char *
_hs_cexpr_spell (Eval  *ev,
                 CType  t);

gboolean
_hs_cexpr_is_scalar (Kind k);

gboolean
_hs_cexpr_read_bytes (Eval     *ev,
                      guint64   address,
                      guint8   *buffer,
                      gsize     length,
                      GError  **error);

guint64
_hs_cexpr_truncate_to (guint64  bits,
                       guint    width,
                       gboolean is_signed);

guint64
_hs_cexpr_decode (const guint8 *data,
                  gsize         size,
                  guint         bit_offset,
                  guint         bit_size,
                  gboolean      is_signed);

gboolean
_hs_cexpr_load (Eval        *ev,
                const char  *start,
                const Value *v,
                Desc        *d,
                guint64     *bits,
                GError     **error);

void
_hs_cexpr_skip_space (Eval *ev);

gboolean
_hs_cexpr_accept (Eval       *ev,
                  const char *token);

char *
_hs_cexpr_take_identifier (Eval *ev);

gboolean
_hs_cexpr_type_follows (Eval *ev);

gboolean
_hs_cexpr_parse_type (Eval    *ev,
                      CType   *out,
                      GError **error);

gboolean
_hs_cexpr_parse_unary (Eval    *ev,
                       Value   *out,
                       GError **error);

gboolean
_hs_cexpr_parse_expr (Eval    *ev,
                      Value   *out,
                      GError **error);

void
_hs_cexpr_print_pointer (Eval    *ev,
                         GString *out,
                         CType    t,
                         guint64  bits,
                         gboolean top);

void
_hs_cexpr_print_scalar (Eval         *ev,
                        GString      *out,
                        CType         t,
                        const Desc   *d,
                        guint64       bits,
                        gboolean      top);

void
_hs_cexpr_print_array (Eval         *ev,
                       GString      *out,
                       const Desc   *d,
                       const guint8 *data,
                       gsize         len,
                       guint         depth);

void
_hs_cexpr_print_object (Eval         *ev,
                        GString      *out,
                        CType         t,
                        const guint8 *data,
                        gsize         len,
                        guint         depth,
                        gboolean      top);

guint64
_hs_cexpr_bytes_printed (Eval  *ev,
                         CType  t,
                         guint  depth);

G_END_DECLS
