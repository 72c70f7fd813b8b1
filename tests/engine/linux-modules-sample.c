/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * linux-modules-sample.c: the structures a module walk reads, with the kernel's member names
 * and arm64's sizes, for test-linux-modules without the board's vmlinux. Built for AArch64 by
 * tests/engine/meson.build, never run; two shapes:
 *
 *   -DSHAPE_LAYOUT  up to 6.3: core_layout and init_layout (one allocation for code and data)
 *   -DSHAPE_MEM     6.4 and later: mem[MOD_MEM_NUM_TYPES], one allocation per kind
 */

struct list_head
{
  struct list_head *next, *prev;
};

enum module_state
{
  MODULE_STATE_LIVE,
  MODULE_STATE_COMING,
  MODULE_STATE_GOING,
  MODULE_STATE_UNFORMED,
};

struct attribute
{
  const char *name;
  unsigned short mode;
};

struct bin_attribute
{
  struct attribute attr;
  unsigned long size;
  void *private;
  void *read, *write, *mmap;
};

struct attribute_group
{
  const char *name;
  void *is_visible;
  void *is_bin_visible;
  struct attribute **attrs;
  struct bin_attribute **bin_attrs;
};

struct module_sect_attr
{
  struct bin_attribute battr;
  unsigned long address;
};

struct module_sect_attrs
{
  struct attribute_group grp;
  unsigned int nsections;
  struct module_sect_attr attrs[];
};

#ifdef SHAPE_LAYOUT
struct module_layout
{
  void *base;
  unsigned int size;
  unsigned int text_size;
  unsigned int ro_size;
  unsigned int ro_after_init_size;
  struct { void *node[2]; } mtn;
};
#else
enum mod_mem_type
{
  MOD_TEXT = 0,
  MOD_DATA,
  MOD_RODATA,
  MOD_RO_AFTER_INIT,
  MOD_INIT_TEXT,
  MOD_INIT_DATA,
  MOD_INIT_RODATA,
  MOD_MEM_NUM_TYPES,
};

struct module_memory
{
  void *base;
  unsigned int size;
  struct { void *node[2]; } mtn;
};
#endif

struct module
{
  enum module_state state;
  struct list_head list;
  char name[56];
  void *kobj_stuff[12];
  const void *syms;
  unsigned int num_syms;
  int (*init) (void);
#ifdef SHAPE_LAYOUT
  struct module_layout core_layout __attribute__ ((aligned (64)));
  struct module_layout init_layout;
#else
  struct module_memory mem[MOD_MEM_NUM_TYPES] __attribute__ ((aligned (64)));
#endif
  void *arch_stuff[4];
  struct module_sect_attrs *sect_attrs;
  void *notes_attrs;
  char *args;
  void *percpu;
  unsigned int taints;
  struct list_head source_list, target_list;
  void (*exit) (void);
  int refcnt;
};

struct list_head modules;
struct module linux_modules_sample_module;
struct module_sect_attrs *linux_modules_sample_attrs;

int
main (void)
{
  return (int) linux_modules_sample_module.state + (modules.next != 0);
}
