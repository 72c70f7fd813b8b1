/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-cexpr.h: C expressions over one symbol file's variables and types, evaluated against
 * memory read through a callback, and printed as gdb prints values.
 *
 * "init_task.comm", "((struct task_struct *)0xffff000008a4c000)->pid", "sizeof (struct page)",
 * "jiffies - 250", "system_state == SYSTEM_RUNNING": identifiers are the file's global and
 * static variables (placed at link address + @offset), its functions (their addresses), and
 * enumerators (of an enum the expression has just used first, then of any named enum). Operators: . -> [] unary * & - ~ !
 * casts (including to pointers to types the program never spelled), sizeof, and the binary
 * arithmetic, shift, bitwise, comparison and (short-circuit) && || ?: operators with C's
 * pointer arithmetic; no assignment or calls. Memory is whatever @read returns (in the engine, a
 * machine's virtual space through its translation). Pure: no I/O but @read, so it runs on any
 * thread and is tested on memory built by the test.
 *
 * Hostile memory: every read is checked; one evaluation reads at most HS_CEXPR_MAX_READ bytes
 * in total and prints at most HS_CEXPR_MAX_ITEMS values, and nesting is bounded by @max_depth,
 * so a pointer cycle or a corrupt length cannot make it loop.
 */
#pragma once

#include "hs-symbol-file.h"

G_BEGIN_DECLS

#define HS_CEXPR_MAX_READ  (1u << 20)
#define HS_CEXPR_MAX_ITEMS 20000

/* Reads @length bytes at @address into @buffer; FALSE with @error saying why not. */
typedef gboolean (*HsCexprReadFunc) (guint64   address,
                                     guint8   *buffer,
                                     gsize     length,
                                     gpointer  user_data,
                                     GError  **error);

typedef struct
{
  HsSymbolFile *file;
  guint64 offset;               /* added to the file's addresses (KASLR slide, load offset) */
  HsCexprReadFunc read;
  gpointer read_data;
  const char *prefix;           /* put before the expression in errors: "2:::"; may be NULL */
  guint max_depth;              /* levels of structs and arrays expanded, the value itself the
                                 * first; deeper ones print as {...}. 0 means 4 */
  guint max_elements;           /* array elements printed before "..."; 0 means 64 */
} HsCexprContext;

/* Evaluates @expression and prints its value: "{pid = 1, comm = \"swapper/0\", ...}",
 * "(struct task_struct *) 0xffff000008a4c000 <init_task>". NULL with @error naming the part
 * that failed ("2:::init_task.nosuch: struct task_struct has no member 'nosuch'"). */
char     *hs_cexpr_print   (const HsCexprContext  *context,
                            const char            *expression,
                            GError               **error);

/* A value of the type @type_die already in hand (@length bytes: a local from registers or a
 * frame), printed as hs_cexpr_print() does. Only char * strings are read, through
 * @context->read, which may be NULL (then they are left out). Never fails: what cannot be
 * shown is printed as <unavailable> or <unreadable type>. */
char     *hs_cexpr_format_value (const HsCexprContext *context,
                                 guint64               type_die,
                                 const guint8         *data,
                                 gsize                 length);

/* What assigning @value to the lvalue @target writes: @length bytes at *@address (for a
 * bit-field, the bytes that hold it, the other bits as read). Integers, pointers, bools and
 * enums (by value or by enumerator name); anything else is refused. */
gboolean  hs_cexpr_assign  (const HsCexprContext  *context,
                            const char            *target,
                            const char            *value,
                            guint64               *address,
                            GBytes               **bytes,
                            GError               **error);

/* What hs_cexpr_query() answers about an expression: what PRACTICE's Var.VALUE(),
 * Var.ADDRESS(), Var.SIZEOF(), Var.STRing() and Var.EXIST() return. */
typedef enum
{
  HS_CEXPR_VALUE,     /* a scalar's value (integer, char, bool, enum, pointer; signed ones
                       * sign-extended to 64 bits); an array's or a function's address, as C
                       * decays them. A struct or union is refused ("... is struct x: name a
                       * member") */
  HS_CEXPR_ADDRESS,   /* where an lvalue is, or a function; refused for an rvalue ("is not in
                       * memory") and a bit-field, as & refuses them */
  HS_CEXPR_SIZEOF,    /* its size in bytes, as sizeof; an array declared without a size uses its
                       * symbol's size, as hs_cexpr_print() does. A function is refused */
  HS_CEXPR_STRING,    /* a char array or a char pointer: its characters up to the NUL, at most
                       * HS_CEXPR_MAX_STRING (4096) bytes, read in bounded pieces (a string that
                       * reaches an unreadable page ends there; nothing readable at all is an
                       * error). The bytes as they are: not escaped, not always UTF-8. Anything
                       * else: the text hs_cexpr_print() gives */
  HS_CEXPR_EXISTS,    /* 1 if the expression parses and names things that exist (no memory is
                       * read: pointers on the way count as NULL, as on the side of && that C
                       * skips), else 0; never fails */
} HsCexprQuery;

#define HS_CEXPR_MAX_STRING 4096u

/* Answers @query about @expression: @number for VALUE, ADDRESS, SIZEOF and EXISTS, @text (newly
 * allocated) for STRING; the other one is left 0 / NULL. Errors name the part that failed, as
 * hs_cexpr_print()'s do. */
gboolean  hs_cexpr_query   (const HsCexprContext  *context,
                            const char            *expression,
                            HsCexprQuery           query,
                            guint64               *number,
                            char                 **text,
                            GError               **error);

G_END_DECLS
