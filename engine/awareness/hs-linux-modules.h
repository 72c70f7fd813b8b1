/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-linux-modules.h: a Linux guest's loaded kernel modules, read from its
 * memory: the `modules` list, where each module's code and data lie, and
 * where the kernel placed each of its ELF sections (what binds the module's
 * debug file to it, as Linux's scripts/gdb lx-symbols does).
 *
 * Offsets come from vmlinux's DWARF by member name (6.1's core_layout, or
 * 6.4's per-type mem[] where the DWARF has that). The guest's memory is
 * untrusted: the list is bounded, checked for cycles and for kernel
 * pointers, and every count and name is checked before it is believed.
 *
 * Cost per walk: one read of each struct module, one of its section table
 * and one batch of section names; with the previous walk's modules passed
 * in, a module found again at the same address, name and base costs its one
 * read only.
 */
#pragma once

#include "hs-linux.h"

G_BEGIN_DECLS

/* Bounds on one walk. A kernel with more modules than this is not a board anyone debugs. */
#define HS_LINUX_MAX_MODULES          4096
/* ELF sections of one module the kernel lists in sysfs (real modules have 20-60). */
#define HS_LINUX_MAX_MODULE_SECTIONS  512
/* MODULE_NAME_LEN - 1 on 64-bit. */
#define HS_LINUX_MODULE_NAME_LEN      55
/* The longest section name read ("__ksymtab_gpl", ".text.unlikely", ...). */
#define HS_LINUX_SECTION_NAME_LEN     63

typedef enum
{
  HS_LINUX_MODULE_LIVE,        /* MODULE_STATE_LIVE */
  HS_LINUX_MODULE_COMING,      /* running its init */
  HS_LINUX_MODULE_GOING,       /* being unloaded */
  HS_LINUX_MODULE_UNFORMED,    /* still being set up */
} HsLinuxModuleState;

const char *hs_linux_module_state_to_string (guint state);

typedef struct
{
  char *name;                  /* ".text", ".data", ".init.text", ... valid UTF-8 */
  guint64 address;
} HsLinuxModuleSection;

typedef struct
{
  guint64 module;              /* struct module * */
  char name[HS_LINUX_MODULE_NAME_LEN + 1];
                               /* valid UTF-8 without control characters ('?' for bytes that are
                                * not) */
  guint state;                 /* HsLinuxModuleState, or what the guest held if out of range */
  guint64 text, text_size;     /* its (core) code */
  guint64 data, data_size;     /* its (core) data, read-only and writable, after the code */
  guint64 init, init_size;     /* init code and data; 0 once initialised */
  guint n_sections;
  HsLinuxModuleSection *sections;  /* owned; NULL when the kernel does not list them */
  char *sections_note;         /* why the sections are not there, or NULL */
  guint8 build_id[64];         /* its GNU build ID, from its .note.gnu.build-id in memory */
  guint build_id_len;          /* 0: not known */
  gboolean corrupt;            /* impossible values: the fields are unreliable */
  char *corrupt_reason;
} HsLinuxModule;

void hs_linux_module_clear (HsLinuxModule *module);
void hs_linux_module_copy  (HsLinuxModule       *dst,
                            const HsLinuxModule *src);
/* The section called @name, or NULL. */
const HsLinuxModuleSection *hs_linux_module_find_section (const HsLinuxModule *module,
                                                          const char          *name);

typedef struct _HsLinuxModuleLayout HsLinuxModuleLayout;

/* Looks up struct module's layout in vmlinux's DWARF. Blocking (DWARF): on a worker thread, once
 * per vmlinux. */
HsLinuxModuleLayout *hs_linux_module_layout_new  (HsSymbolFile         *vmlinux,
                                                  GError              **error);
void                 hs_linux_module_layout_free (HsLinuxModuleLayout  *layout);

/* Walks the guest's `modules` list, appending HsLinuxModule to @modules in list order (the most
 * recently loaded first, as lsmod shows them). Give @modules hs_linux_module_clear as its clear
 * function. @previous (optional): the last walk's modules, whose section tables are reused for
 * a module found again at the same address with the same name and code base.
 *
 * FALSE and @error only when nothing can be read: no `modules` symbol, or its head unreadable.
 * A list that breaks (a failed read, a pointer that is not a kernel address, a loop, a bound,
 * the walk's time budget of HS_LINUX_WALK_SECONDS) ends the walk there with @warning saying
 * so; a module with impossible values is appended with @corrupt set. */
gboolean             hs_linux_read_modules       (const HsLinuxModuleLayout *layout,
                                                  HsSymbolFile              *vmlinux,
                                                  guint64                    offset,
                                                  const HsLinuxReader       *reader,
                                                  const GArray              *previous,
                                                  GArray                    *modules,
                                                  char                     **warning,
                                                  GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsLinuxModuleLayout, hs_linux_module_layout_free)

G_END_DECLS
