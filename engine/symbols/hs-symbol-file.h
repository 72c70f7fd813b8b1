/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-symbol-file.h: one ELF file's symbols, types, line table and call-frame
 * information (xen-syms, vmlinux, a user's program).
 *
 * Loading reads only the ELF symbol table; the DWARF is opened and indexed on
 * first use (about a second for a 273 MB arm64 vmlinux), after which type,
 * variable and function queries go straight to the DIE that defines them.
 *
 * Threads: every function that reads the file blocks and belongs on a worker
 * thread (or use the _async variants). An HsSymbolFile may be shared between
 * threads: the symbol table is immutable after loading and the DWARF side is
 * serialised by an internal lock, so a query may wait for another thread's
 * indexing to finish.
 *
 * Binding a file to a machine and a load offset is the engine's job, not this
 * object's: all addresses here are the link-time addresses in the file, or for a
 * relocatable file (a kernel module) loaded with hs_symbol_file_load_relocated(),
 * the addresses it was placed at.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HS_SYMBOLS_ERROR (hs_symbols_error_quark ())
GQuark hs_symbols_error_quark (void);

typedef enum
{
  HS_SYMBOLS_ERROR_OPEN = 1,     /* the file cannot be opened or read (missing, permissions) */
  HS_SYMBOLS_ERROR_NOT_ELF,      /* not an ELF file at all */
  HS_SYMBOLS_ERROR_WRONG_ARCH,   /* an ELF file, but not 64-bit little-endian AArch64 */
  HS_SYMBOLS_ERROR_CORRUPT,      /* truncated or malformed ELF or DWARF */
  HS_SYMBOLS_ERROR_NO_SYMTAB,    /* stripped: neither .symtab nor .dynsym */
  HS_SYMBOLS_ERROR_NO_DWARF,     /* no .debug_info: types, variables and lines unavailable */
  HS_SYMBOLS_ERROR_NOT_FOUND,    /* no such type, member, variable, function, line or CFI */
  HS_SYMBOLS_ERROR_INVALID,      /* a malformed query, e.g. the member path "tasks..next" */
  HS_SYMBOLS_ERROR_UNSUPPORTED,  /* a DWARF construct this layer does not handle */
} HsSymbolsError;

typedef enum
{
  HS_SYMBOL_OTHER,               /* STT_NOTYPE, STT_SECTION-less labels, absolute values */
  HS_SYMBOL_FUNCTION,            /* STT_FUNC */
  HS_SYMBOL_OBJECT,              /* STT_OBJECT, STT_TLS, STT_COMMON */
} HsSymbolKind;

/* An ELF symbol. @name belongs to the HsSymbolFile and lives as long as it does. */
typedef struct
{
  const char *name;
  guint64 address;
  guint64 size;                  /* 0 when the ELF does not say (assembly labels) */
  HsSymbolKind kind;
  gboolean is_global;            /* STB_GLOBAL or STB_WEAK; FALSE for file-local symbols */
} HsSymbol;

/* A member found through a path such as "thread.cpu_context.x19" or "comm[3]". */
typedef struct
{
  guint64 offset;                /* bytes from the start of the outer type */
  guint64 size;                  /* bytes of the member's type (see bit_size for bit-fields) */
  guint bit_offset;              /* bit-fields: first bit inside the byte at @offset (LSB = 0) */
  guint bit_size;                /* bit-fields: width in bits, and then @size is the number of
                                  * bytes from @offset that hold the field; 0 otherwise */
  char *type_name;               /* C spelling: "struct list_head", "char[16]", "pid_t" */
} HsMember;

void hs_member_clear (HsMember *member);

/* What sYmbol.INFO shows about a variable or a function. */
typedef struct
{
  char *name;
  HsSymbolKind kind;             /* HS_SYMBOL_OBJECT or HS_SYMBOL_FUNCTION */
  guint64 address;
  guint64 size;
  char *type_name;               /* "struct task_struct", "int (struct domain *, int)"; NULL
                                  * when the file has no DWARF for it */
  char *decl_file;               /* as the compiler recorded it (usually absolute); may be NULL */
  guint decl_line;               /* 0 when unknown */
  gboolean has_address;          /* FALSE for a declaration whose definition is elsewhere,
                                  * and in a relocated file for what is in a section that
                                  * was given no address */
  guint64 type_die;              /* the type for hs_symbol_file_get_type_info(); 0 when the
                                  * file has no DWARF for it (or it is void) */
} HsSymbolInfo;

void hs_symbol_info_clear (HsSymbolInfo *info);

typedef enum
{
  HS_REG_RULE_UNDEFINED,         /* the caller's value is lost */
  HS_REG_RULE_SAME_VALUE,        /* the caller's value is the current one */
  HS_REG_RULE_OFFSET,            /* saved in memory at CFA + offset */
  HS_REG_RULE_VAL_OFFSET,        /* the caller's value is CFA + offset */
  HS_REG_RULE_REGISTER,          /* the caller's value is in register @reg */
  HS_REG_RULE_EXPRESSION,        /* a DWARF expression (not evaluated here) */
} HsRegRuleKind;

typedef struct
{
  HsRegRuleKind kind;
  guint reg;                     /* HS_REG_RULE_REGISTER: DWARF register number */
  gint64 offset;                 /* HS_REG_RULE_OFFSET and HS_REG_RULE_VAL_OFFSET */
} HsRegRule;

/* The unwind row in effect at one pc. Registers are DWARF numbers: x0..x30 = 0..30, sp = 31. */
typedef struct
{
  guint64 pc;
  guint64 function_start;        /* the range the FDE covers */
  guint64 function_end;
  guint64 row_address;           /* where this row of the table begins (<= pc) */
  guint cfa_reg;                 /* CFA = cfa_reg + cfa_offset ... */
  gint64 cfa_offset;
  gboolean cfa_is_expression;    /* ... unless the CFA is a DWARF expression */
  guint return_address_reg;      /* from the CIE: 30 (lr) on AArch64 */
  HsRegRule fp;                  /* x29 */
  HsRegRule lr;                  /* x30 */
  HsRegRule x[29];               /* x0..x28. A register the CFI does not mention reads as
                                  * HS_REG_RULE_SAME_VALUE: true for x19..x28, which AAPCS64
                                  * makes the callee preserve, but not for x0..x18, which a
                                  * call may clobber (see hs_unwind()) */
} HsFrameRule;

/* A parameter or local variable in scope at a pc (hs_symbol_file_get_scope()). */
typedef struct
{
  char *name;
  gboolean is_parameter;
  char *inlined_in;              /* the inlined function it belongs to, or NULL for the
                                  * out-of-line function's own */
  guint64 type_die;              /* global .debug_info offset of its type's DIE, 0 if none */
  char *type_text;               /* its C type: "struct __kernel_timespec *" */
  guint64 size;                  /* of its type, in bytes; 0 when unknown */
  gboolean has_location;         /* FALSE: no DW_AT_location at all (optimised out) */
  GBytes *location;              /* the expression in effect at the pc (from the location
                                  * list when it has one; empty there: optimised out) */
  gboolean from_list;            /* @location came from a location list */
  gboolean const_value;          /* DW_AT_const_value instead of a location ... */
  guint64 value;                 /* ... this value (when it is a constant) */
  char *problem;                 /* why its location could not be read (a damaged or
                                  * unsupported location list), or NULL */
} HsScopeVariable;

/* What a call site says a register held when the call was made (DW_AT_call_value of a
 * DW_TAG_call_site_parameter): evaluated in the calling frame, it is the callee's entry
 * value of @reg. */
typedef struct
{
  guint reg;                     /* DWARF register number of the argument */
  GBytes *value;                 /* the expression, in the caller's frame */
} HsCallSiteValue;

/* The function that contains a pc and what is visible there. */
typedef struct
{
  char *function;                /* the out-of-line function's name */
  guint64 function_die;
  guint64 entry_pc;              /* its DW_AT_low_pc, or the start of its first range */
  GBytes *frame_base;            /* DW_AT_frame_base, or NULL */
  GArray *variables;             /* (element-type HsScopeVariable): parameters first, then
                                  * locals of the outer blocks before the inner ones */
  GArray *call_values;           /* (element-type HsCallSiteValue): when the pc is a return
                                  * address - 1, what the call site there says the argument
                                  * registers held; empty otherwise */
} HsScope;

void          hs_scope_clear                   (HsScope               *scope);

/* Called as indexing advances (@fraction from 0 to 1, @what e.g. "indexing DWARF of vmlinux").
 * With hs_symbol_file_index() it runs in the calling thread while the DWARF lock is held: it
 * must not call back into the same HsSymbolFile. hs_symbol_file_index_async() relays it to the
 * caller's thread-default main context, coalesced. */
typedef void (*HsSymbolsProgressFunc) (double      fraction,
                                       const char *what,
                                       gpointer    user_data);

#define HS_TYPE_SYMBOL_FILE (hs_symbol_file_get_type ())
G_DECLARE_FINAL_TYPE (HsSymbolFile, hs_symbol_file, HS, SYMBOL_FILE, GObject)

/* Loading: opens and checks the ELF and reads its symbol table. Blocking. */
HsSymbolFile *hs_symbol_file_load              (const char            *path,
                                                GError               **error);
void          hs_symbol_file_load_async        (const char            *path,
                                                GCancellable          *cancellable,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data);
HsSymbolFile *hs_symbol_file_load_finish       (GAsyncResult          *result,
                                                GError               **error);

/* Where the target placed one section of a relocatable file (a kernel module's .text ...). */
typedef struct
{
  const char *name;              /* ".text", ".data", ".init.text", ... */
  guint64 address;
} HsSectionAddress;

/* Loads a relocatable ELF file (ET_REL: a kernel module) as if linked at @sections: its
 * symbols, DWARF (types, variables, functions, lines, ranges) and call-frame information all
 * answer with those addresses. Allocated sections not in @sections keep no address: their
 * symbols are left out. Blocking. */
HsSymbolFile *hs_symbol_file_load_relocated       (const char              *path,
                                                   const HsSectionAddress  *sections,
                                                   guint                    n_sections,
                                                   GError                 **error);
void          hs_symbol_file_load_relocated_async (const char *path, const HsSectionAddress *sections, guint n_sections,
                                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
HsSymbolFile *hs_symbol_file_load_relocated_finish (GAsyncResult *result, GError **error);

const char   *hs_symbol_file_get_path          (HsSymbolFile          *self);
const guint8 *hs_symbol_file_get_build_id      (HsSymbolFile          *self,
                                                gsize                 *len);
guint         hs_symbol_file_get_n_symbols     (HsSymbolFile          *self);
gboolean      hs_symbol_file_has_dwarf         (HsSymbolFile          *self);
gboolean      hs_symbol_file_is_indexed        (HsSymbolFile          *self);
char         *hs_symbol_file_describe          (HsSymbolFile          *self);

/* DWARF indexing. Every DWARF query does this implicitly (without progress) the first time;
 * call it first to show progress or to cancel. Blocking. */
gboolean      hs_symbol_file_index             (HsSymbolFile          *self,
                                                HsSymbolsProgressFunc  progress,
                                                gpointer               progress_data,
                                                GCancellable          *cancellable,
                                                GError               **error);
void          hs_symbol_file_index_async       (HsSymbolFile          *self,
                                                HsSymbolsProgressFunc  progress,
                                                gpointer               progress_data,
                                                GCancellable          *cancellable,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data);
gboolean      hs_symbol_file_index_finish      (HsSymbolFile          *self,
                                                GAsyncResult          *result,
                                                GError               **error);

/* ELF symbol table. Never blocks (the table is in memory after loading). */
gboolean      hs_symbol_file_lookup            (HsSymbolFile          *self,
                                                const char            *name,
                                                HsSymbol              *out);
gboolean      hs_symbol_file_lookup_address    (HsSymbolFile          *self,
                                                guint64                address,
                                                HsSymbol              *out,
                                                guint64               *offset);
GArray       *hs_symbol_file_match             (HsSymbolFile          *self,
                                                const char            *pattern,
                                                guint                  max,
                                                guint                 *n_matches);

/* Types. @type_name: "task_struct", "struct task_struct", "union foo", "pid_t". */
gboolean      hs_symbol_file_get_type_size     (HsSymbolFile          *self,
                                                const char            *type_name,
                                                guint64               *size,
                                                GError               **error);
gboolean      hs_symbol_file_member            (HsSymbolFile          *self,
                                                const char            *type_name,
                                                const char            *path,
                                                guint64               *offset,
                                                guint64               *size,
                                                GError               **error);
gboolean      hs_symbol_file_member_full       (HsSymbolFile          *self,
                                                const char            *type_name,
                                                const char            *path,
                                                HsMember              *out,
                                                GError               **error);

/* Variables and functions (DWARF, falling back to the symbol table). */
gboolean      hs_symbol_file_get_variable      (HsSymbolFile          *self,
                                                const char            *name,
                                                HsSymbolInfo          *out,
                                                GError               **error);
gboolean      hs_symbol_file_get_function      (HsSymbolFile          *self,
                                                const char            *name,
                                                HsSymbolInfo          *out,
                                                GError               **error);

/* Line table. */
gboolean      hs_symbol_file_address_to_line   (HsSymbolFile          *self,
                                                guint64                address,
                                                char                 **file,
                                                guint                 *line,
                                                GError               **error);
gboolean      hs_symbol_file_line_to_address   (HsSymbolFile          *self,
                                                const char            *file_suffix,
                                                guint                  line,
                                                guint64               *address,
                                                guint                 *actual_line,
                                                GError               **error);

/* Call-frame information (.debug_frame, else .eh_frame). */
gboolean      hs_symbol_file_get_frame_rule    (HsSymbolFile          *self,
                                                guint64                pc,
                                                HsFrameRule           *out,
                                                GError               **error);

/* The function DIE whose code holds @pc (a link-time address) and the parameters and locals
 * in scope there; FALSE with HS_SYMBOLS_ERROR_NOT_FOUND outside every function with DWARF.
 * Blocking (indexes the DWARF on first use). */
gboolean      hs_symbol_file_get_scope         (HsSymbolFile          *self,
                                                guint64                pc,
                                                HsScope               *out,
                                                GError               **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsScope, hs_scope_clear)
/* Types by DIE. A type is named by the global offset of its DIE in the file (@type_die); 0 is
 * void. These are what an expression evaluator or a locals view formats values with. */
typedef enum
{
  HS_TYPE_VOID,
  HS_TYPE_BASE,                  /* int, char, _Bool, double...: see HsTypeEncoding */
  HS_TYPE_POINTER,               /* and C++ references */
  HS_TYPE_STRUCT,
  HS_TYPE_UNION,
  HS_TYPE_ENUM,
  HS_TYPE_ARRAY,
  HS_TYPE_TYPEDEF,
  HS_TYPE_QUALIFIED,             /* const, volatile, restrict, _Atomic */
  HS_TYPE_FUNCTION,
} HsTypeKind;

typedef enum
{
  HS_TYPE_ENCODING_NONE,         /* not a base type */
  HS_TYPE_ENCODING_SIGNED,
  HS_TYPE_ENCODING_UNSIGNED,
  HS_TYPE_ENCODING_BOOL,
  HS_TYPE_ENCODING_FLOAT,
  HS_TYPE_ENCODING_SIGNED_CHAR,  /* char on AArch64 is unsigned: DW_ATE_unsigned_char */
  HS_TYPE_ENCODING_UNSIGNED_CHAR,
} HsTypeEncoding;

#define HS_TYPE_MAX_DIMS 8

typedef enum
{
  HS_TYPE_CONST = 1 << 0,
  HS_TYPE_VOLATILE = 1 << 1,
  HS_TYPE_RESTRICT = 1 << 2,
  HS_TYPE_ATOMIC = 1 << 3,
} HsTypeQualifiers;

typedef struct
{
  HsTypeKind kind;
  HsTypeEncoding encoding;       /* HS_TYPE_BASE; for HS_TYPE_ENUM, that of its values */
  gboolean has_size;             /* FALSE for void, functions, incomplete types, "char x[]" */
  guint64 size;                  /* bytes */
  char *name;                    /* DW_AT_name ("task_struct", "pid_t"); NULL if anonymous */
  char *spelling;                /* C spelling: "struct task_struct *", "char[16]" */
  guint64 target;                /* pointer: the pointee; array: the element (of the last
                                  * dimension); typedef and qualified: the type named;
                                  * enum: the underlying integer type or 0; function: the
                                  * return type. 0 is void. */
  HsTypeQualifiers qualifiers;   /* HS_TYPE_QUALIFIED */
  guint n_dims;                  /* HS_TYPE_ARRAY: "int m[2][3]" has 2, dims {2, 3} */
  guint64 dims[HS_TYPE_MAX_DIMS];/* 0 for a dimension of unknown size ("char x[]") */
} HsTypeInfo;

void hs_type_info_clear (HsTypeInfo *info);

/* A member of a struct or union as listed, or as found by name. */
typedef struct
{
  char *name;                    /* NULL for an anonymous struct or union member */
  guint64 offset;                /* bytes from the start of the aggregate */
  guint64 type_die;
  guint bit_offset;              /* bit-fields: first bit in the byte at @offset (LSB = 0) */
  guint bit_size;                /* bit-fields: width; 0 for an ordinary member */
} HsTypeMember;

void hs_type_member_clear (HsTypeMember *member);

typedef struct
{
  char *name;
  gint64 value;                  /* DW_FORM_udata values above G_MAXINT64 wrap as C would */
} HsTypeEnumerator;

/* All blocking (they may index the DWARF first) and thread-safe. */
gboolean      hs_symbol_file_get_type_info     (HsSymbolFile          *self,
                                                guint64                type_die,
                                                HsTypeInfo            *out,
                                                GError               **error);
/* Through typedefs and qualifiers, and from a declaration to its definition: the type that
 * has a layout (0 for void). */
gboolean      hs_symbol_file_strip_type        (HsSymbolFile          *self,
                                                guint64                type_die,
                                                guint64               *out,
                                                GError               **error);
/* "struct task_struct", "union x", "enum y", "pid_t", "unsigned int" to a type_die. */
gboolean      hs_symbol_file_find_type         (HsSymbolFile          *self,
                                                const char            *spelled,
                                                guint64               *type_die,
                                                GError               **error);
/* The direct members of the struct or union @type_die (typedefs and qualifiers are looked
 * through), in order: a GArray of HsTypeMember that clears them. */
GArray       *hs_symbol_file_get_members       (HsSymbolFile          *self,
                                                guint64                type_die,
                                                GError               **error);
/* @name in the struct or union @type_die or in its anonymous members, as C finds it; @offset
 * is from the start of @type_die. The error names the type and suggests a near name. */
gboolean      hs_symbol_file_find_member       (HsSymbolFile          *self,
                                                guint64                type_die,
                                                const char            *name,
                                                HsTypeMember          *out,
                                                GError               **error);
/* The enumerators of the enum @type_die: a GArray of HsTypeEnumerator that clears them. */
GArray       *hs_symbol_file_get_enumerators   (HsSymbolFile          *self,
                                                guint64                type_die,
                                                GError               **error);

/* The enumerator @name of any named enum of the file (the first found when several have it):
 * its enum's type_die and its value. The first call reads every enum; later ones look up. */
gboolean      hs_symbol_file_find_enumerator   (HsSymbolFile          *self,
                                                const char            *name,
                                                guint64               *enum_die,
                                                gint64                *value,
                                                GError               **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsTypeInfo, hs_type_info_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsTypeMember, hs_type_member_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsMember, hs_member_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsSymbolInfo, hs_symbol_info_clear)

/* Whether address lookups may trust .debug_aranges (they do by default); without, they find
 * the compilation unit by its own ranges. For tests of that fallback, and for files whose
 * aranges are known to be wrong. */
void          hs_symbol_file_set_use_aranges   (HsSymbolFile          *self,
                                                gboolean               use_aranges);

G_END_DECLS
