/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-linux-modules.c: the module walk on guest memory built here, with the structures of
 * linux-modules-sample.c in 6.1's shape (core_layout) and 6.4's (mem[]), and the layout lookup
 * on the board's vmlinux (--vmlinux).
 */
#include "config.h"

#include "hs-fake-memory.h"
#include "hs-linux-modules.h"

#include <string.h>

#define U64(x) G_GUINT64_CONSTANT (x)

static HsSymbolFile *vmlinux;

/* ---- modules built in it --------------------------------------------------------------- */

static guint64
member_offset (const char *type,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  guint64 offset = 0, size = 0;

  g_assert_true (hs_symbol_file_member (vmlinux, type, path, &offset, &size, &error));
  g_assert_no_error (error);
  return offset;
}

static guint64
type_size (const char *type)
{
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  g_assert_true (hs_symbol_file_get_type_size (vmlinux, type, &size, &error));
  g_assert_no_error (error);
  return size;
}

static gboolean
per_type_memory (void)
{
  guint64 offset, size;

  return !hs_symbol_file_member (vmlinux, "module", "core_layout", &offset, &size, NULL);
}

static guint64
head_address (void)
{
  HsSymbol sym;

  g_assert_true (hs_symbol_file_lookup (vmlinux, "modules", &sym));
  return sym.address;
}

#define MODULE_VA(i)  (U64 (0xffff000010000000) + (guint64) (i) * 0x10000)
#define TEXT_VA(i)    (U64 (0xffff800001000000) + (guint64) (i) * 0x100000)

/* Module @i called @name, with three sections, linked after @prev_link (a list_head address). */
/* The build ID module @i's note holds: 20 bytes, as gcc's --build-id makes them. */
static void
build_id_of (guint   i,
             guint8  id[20])
{
  for (guint k = 0; k < 20; k++)
    id[k] = (guint8) (0xb0 + i + k);
}

/* Module @i called @name, with four sections (the last its build-ID note, which it holds). */
static guint64
add_module (HsFakeMemory *m,
            guint         i,
            const char   *name,
            guint         state)
{
  static const char * const sections[] = { ".text", ".data", ".init.text",
                                           ".note.gnu.build-id" };
  guint64 mod = MODULE_VA (i), text = TEXT_VA (i);
  guint64 attrs = mod + 0x4000, names = mod + 0x8000;
  guint64 attr_size = type_size ("struct module_sect_attr");
  guint64 first = attrs + member_offset ("module_sect_attrs", "attrs");
  guint8 note[16 + 20] = { 4, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0 };

  hs_fake_memory_write (m, mod, (guint8[4096]) { 0 }, 4096);
  hs_fake_memory_put (m, mod + member_offset ("module", "state"), state, 4);
  hs_fake_memory_write (m, mod + member_offset ("module", "name"), name, strlen (name) + 1);
  if (per_type_memory ())
    {
      hs_fake_memory_put (m, mod + member_offset ("module", "mem[0].base"), text, 8);
      hs_fake_memory_put (m, mod + member_offset ("module", "mem[0].size"), 0x3000, 4);
      hs_fake_memory_put (m, mod + member_offset ("module", "mem[1].base"), text + 0x40000, 8);
      hs_fake_memory_put (m, mod + member_offset ("module", "mem[1].size"), 0x2000, 4);
    }
  else
    {
      hs_fake_memory_put (m, mod + member_offset ("module", "core_layout.base"), text, 8);
      hs_fake_memory_put (m, mod + member_offset ("module", "core_layout.size"), 0x5000, 4);
      hs_fake_memory_put (m, mod + member_offset ("module", "core_layout.text_size"), 0x3000,
                          4);
    }
  hs_fake_memory_put (m, mod + member_offset ("module", "sect_attrs"), attrs, 8);
  hs_fake_memory_write (m, attrs, (guint8[1024]) { 0 }, 1024);
  hs_fake_memory_put (m, attrs + member_offset ("module_sect_attrs", "nsections"),
                      G_N_ELEMENTS (sections), 4);
  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      guint64 entry = first + s * attr_size;

      hs_fake_memory_write (m, names + 64 * s, sections[s], strlen (sections[s]) + 1);
      hs_fake_memory_put (m, entry + member_offset ("module_sect_attr", "battr.attr.name"),
                          names + 64 * s, 8);
      hs_fake_memory_put (m, entry + member_offset ("module_sect_attr", "address"),
                          text + 0x1000 * s, 8);
    }
  build_id_of (i, note + 16);
  hs_fake_memory_write (m, text + 0x3000, note, sizeof note);
  return mod;
}

/* Links @mods (struct module addresses) into the list at `modules`, in order. */
static void
link_modules (HsFakeMemory  *m,
              const guint64 *mods,
              guint          n)
{
  guint64 head = head_address (), list = member_offset ("module", "list");

  for (guint i = 0; i <= n; i++)
    {
      guint64 here = i == 0 ? head : mods[i - 1] + list;
      guint64 next = i == n ? head : mods[i] + list;

      hs_fake_memory_put (m, here, next, 8);
    }
}

static GArray *
modules_array (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (HsLinuxModule));

  g_array_set_clear_func (a, (GDestroyNotify) hs_linux_module_clear);
  return a;
}

static HsLinuxModuleLayout *
layout_new (void)
{
  g_autoptr(GError) error = NULL;
  HsLinuxModuleLayout *l = hs_linux_module_layout_new (vmlinux, &error);

  g_assert_no_error (error);
  g_assert_nonnull (l);
  return l;
}

/* ---- cases ----------------------------------------------------------------------------- */

static void
test_walk (void)
{
  g_autoptr(HsLinuxModuleLayout) l = layout_new ();
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GArray) mods = modules_array ();
  g_autoptr(GArray) again = modules_array ();
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  HsLinuxReader reader = { hs_fake_memory_read, hs_fake_memory_readv, m };
  guint64 addr[3];
  const HsLinuxModule *dummy;
  guint reads;

  addr[0] = add_module (m, 0, "dummy", 0);
  addr[1] = add_module (m, 1, "loop", 1);
  addr[2] = add_module (m, 2, "na\x01me", 0);
  link_modules (m, addr, 3);

  g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, &warning, &error));
  g_assert_no_error (error);
  g_assert_null (warning);
  g_assert_cmpuint (mods->len, ==, 3);
  dummy = &g_array_index (mods, HsLinuxModule, 0);
  g_assert_cmpstr (dummy->name, ==, "dummy");
  g_assert_cmpuint (dummy->module, ==, addr[0]);
  g_assert_cmpstr (hs_linux_module_state_to_string (dummy->state), ==, "live");
  g_assert_cmpuint (dummy->text, ==, TEXT_VA (0));
  g_assert_cmpuint (dummy->text_size, ==, 0x3000);
  g_assert_cmpuint (dummy->data_size, ==, 0x2000);
  g_assert_false (dummy->corrupt);
  g_assert_cmpuint (dummy->n_sections, ==, 4);
  {
    guint8 id[20];

    build_id_of (0, id);
    g_assert_cmpuint (dummy->build_id_len, ==, 20);
    g_assert_cmpmem (dummy->build_id, 20, id, 20);
  }
  g_assert_cmpuint (hs_linux_module_find_section (dummy, ".init.text")->address, ==,
                    TEXT_VA (0) + 0x2000);
  g_assert_cmpstr (hs_linux_module_state_to_string (g_array_index (mods, HsLinuxModule,
                                                                   1).state), ==, "coming");
  /* Control characters in a name are never shown as they are. */
  g_assert_cmpstr (g_array_index (mods, HsLinuxModule, 2).name, ==, "na?me");

  /* Found again as before: the head and the three modules in one batch, the sections
   * reused; without a vectored reader, one read each. */
  reads = m->round_trips;
  g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, mods, again, NULL, &error));
  g_assert_cmpuint (m->round_trips - reads, ==, 1);
  g_assert_cmpuint (g_array_index (again, HsLinuxModule, 0).n_sections, ==, 4);
  g_assert_cmpuint (g_array_index (again, HsLinuxModule, 0).build_id_len, ==, 20);
  {
    g_autoptr(GArray) plain = modules_array ();
    HsLinuxReader one_by_one = { hs_fake_memory_read, NULL, m };

    reads = m->round_trips;
    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &one_by_one, mods, plain, NULL,
                                          &error));
    g_assert_cmpuint (m->round_trips - reads, ==, 1 + 3);
    g_assert_cmpuint (plain->len, ==, 3);
  }
  /* A module that is no longer where the last walk found it costs its own read, and the list
   * as read now wins. */
  hs_fake_memory_put (m, head_address (), addr[1] + member_offset ("module", "list"), 8);
  {
    g_autoptr(GArray) fewer = modules_array ();

    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, mods, fewer, NULL, &error));
    g_assert_cmpuint (fewer->len, ==, 2);
    g_assert_cmpstr (g_array_index (fewer, HsLinuxModule, 0).name, ==, "loop");
  }
}

static void
test_empty_and_offset (void)
{
  g_autoptr(HsLinuxModuleLayout) l = layout_new ();
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GArray) mods = modules_array ();
  g_autoptr(GError) error = NULL;
  HsLinuxReader reader = { hs_fake_memory_read, NULL, m };
  guint64 slide = 0x200000, head = head_address () + slide;

  /* An empty list, read through a KASLR slide; without it, the head is not there at all. */
  hs_fake_memory_put (m, head, head, 8);
  g_assert_true (hs_linux_read_modules (l, vmlinux, slide, &reader, NULL, mods, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mods->len, ==, 0);
  g_assert_false (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, NULL, &error));
  g_assert_nonnull (strstr (error->message, "module list head"));
}

static void
test_hostile (void)
{
  g_autoptr(HsLinuxModuleLayout) l = layout_new ();
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GError) error = NULL;
  HsLinuxReader reader = { hs_fake_memory_read, hs_fake_memory_readv, m };
  guint64 list = member_offset ("module", "list");
  guint64 addr[2];

  addr[0] = add_module (m, 0, "a", 0);
  addr[1] = add_module (m, 1, "b", 0);
  link_modules (m, addr, 2);

  /* A loop back to the first module, not the head. */
  {
    g_autoptr(GArray) mods = modules_array ();
    g_autofree char *warning = NULL;

    hs_fake_memory_put (m, addr[1] + list, addr[0] + list, 8);
    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, &warning, &error));
    g_assert_cmpuint (mods->len, ==, 2);
    g_assert_nonnull (strstr (warning, "loops back"));
  }
  /* A user-space pointer in the list. */
  {
    g_autoptr(GArray) mods = modules_array ();
    g_autofree char *warning = NULL;

    hs_fake_memory_put (m, addr[1] + list, U64 (0x400000), 8);
    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, &warning, &error));
    g_assert_cmpuint (mods->len, ==, 2);
    g_assert_nonnull (strstr (warning, "not a kernel pointer"));
  }
  /* An unreadable module. */
  {
    g_autoptr(GArray) mods = modules_array ();
    g_autofree char *warning = NULL;

    hs_fake_memory_put (m, addr[1] + list, MODULE_VA (9) + list, 8);
    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, &warning, &error));
    g_assert_cmpuint (mods->len, ==, 2);
    g_assert_nonnull (strstr (warning, "cannot be read"));
    link_modules (m, addr, 2);
  }
  /* Impossible values: a state out of range, a name without its NUL, sizes of terabytes, a
   * section count in the millions. Each is still listed, marked, and nothing is allocated for
   * the count. */
  {
    g_autoptr(GArray) mods = modules_array ();
    guint64 attrs = MODULE_VA (1) + 0x4000;
    char long_name[56];

    memset (long_name, 'x', sizeof long_name);
    hs_fake_memory_put (m, addr[0] + member_offset ("module", "state"), 77, 4);
    hs_fake_memory_write (m, addr[1] + member_offset ("module", "name"), long_name,
                          sizeof long_name);
    hs_fake_memory_put (m, attrs + member_offset ("module_sect_attrs", "nsections"), 3000000,
                        4);
    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, NULL, &error));
    g_assert_cmpuint (mods->len, ==, 2);
    g_assert_true (g_array_index (mods, HsLinuxModule, 0).corrupt);
    g_assert_nonnull (strstr (g_array_index (mods, HsLinuxModule, 0).corrupt_reason, "state 77"));
    g_assert_true (g_array_index (mods, HsLinuxModule, 1).corrupt);
    g_assert_nonnull (strstr (g_array_index (mods, HsLinuxModule, 1).corrupt_reason, "name"));
  }
  {
    g_autoptr(GArray) mods = modules_array ();
    guint64 attrs = MODULE_VA (1) + 0x4000;

    hs_fake_memory_put (m, addr[0] + member_offset ("module", "state"), 0, 4);
    hs_fake_memory_write (m, addr[1] + member_offset ("module", "name"), "b", 2);
    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, NULL, &error));
    g_assert_null (g_array_index (mods, HsLinuxModule, 1).sections);
    g_assert_nonnull (strstr (g_array_index (mods, HsLinuxModule, 1).sections_note,
                              "3000000 sections"));
    hs_fake_memory_put (m, attrs + member_offset ("module_sect_attrs", "nsections"), 4, 4);
  }
  /* A section name that is not text is left out, and said so. */
  {
    g_autoptr(GArray) mods = modules_array ();
    const HsLinuxModule *b;

    hs_fake_memory_write (m, MODULE_VA (1) + 0x8000 + 64, "\xff\xfe", 3);
    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, NULL, &error));
    b = &g_array_index (mods, HsLinuxModule, 1);
    g_assert_cmpuint (b->n_sections, ==, 4);
    g_assert_nonnull (strstr (b->sections[1].name, "??"));
  }
  /* A note that is not a build ID, or says it is longer than it can be, gives none. */
  {
    g_autoptr(GArray) mods = modules_array ();
    guint8 bad[16] = { 4, 0, 0, 0, 200, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0 };

    hs_fake_memory_write (m, TEXT_VA (0) + 0x3000, bad, sizeof bad);
    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, NULL, &error));
    g_assert_cmpuint (g_array_index (mods, HsLinuxModule, 0).build_id_len, ==, 0);
    bad[4] = 20;
    bad[8] = 1;
    hs_fake_memory_write (m, TEXT_VA (0) + 0x3000, bad, sizeof bad);
    g_array_set_size (mods, 0);
    g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, NULL, &error));
    g_assert_cmpuint (g_array_index (mods, HsLinuxModule, 0).build_id_len, ==, 0);
  }
}

/* A list that never ends (every module points at a new one): bounded by the module count. */
static void
test_endless (void)
{
  g_autoptr(HsLinuxModuleLayout) l = layout_new ();
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GArray) mods = modules_array ();
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  HsLinuxReader reader = { hs_fake_memory_read, hs_fake_memory_readv, m };
  guint64 list = member_offset ("module", "list"), size = type_size ("struct module");
  guint64 base = U64 (0xffff000020000000);

  hs_fake_memory_put (m, head_address (), base + list, 8);
  for (guint i = 0; i <= HS_LINUX_MAX_MODULES; i++)
    {
      guint64 mod = base + (guint64) i * size;

      hs_fake_memory_write (m, mod + member_offset ("module", "name"), "m", 2);
      hs_fake_memory_put (m, mod + list, mod + size + list, 8);
    }
  g_assert_true (hs_linux_read_modules (l, vmlinux, 0, &reader, NULL, mods, &warning, &error));
  g_assert_cmpuint (mods->len, ==, HS_LINUX_MAX_MODULES);
  g_assert_nonnull (strstr (warning, "stops after"));
}

/* The board's vmlinux (Debian's 6.1): its struct module has the 6.1 shape and sysfs sections. */
static void
test_board_layout (void)
{
  g_autoptr(HsLinuxModuleLayout) l = layout_new ();
  guint64 offset, size;

  g_assert_true (hs_symbol_file_member (vmlinux, "module", "core_layout.base", &offset, &size,
                                        NULL));
  g_assert_true (hs_symbol_file_member (vmlinux, "module_sect_attr", "address", &offset, &size,
                                        NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean board = FALSE;

  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    board |= g_strcmp0 (argv[i], "--vmlinux") == 0;
  path = board ? g_build_filename (g_get_user_cache_dir (), "hyperscope", "board", "out",
                                   "vmlinux", NULL)
               : g_strdup (g_getenv ("HS_LINUX_MODULES_SAMPLE"));
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    g_error ("no kernel to test with: %s", board ? path : "HS_LINUX_MODULES_SAMPLE is not set");
  vmlinux = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);

  if (board)
    g_test_add_func ("/Hs/LinuxModules/board-layout", test_board_layout);
  else
    {
      g_test_add_func ("/Hs/LinuxModules/walk", test_walk);
      g_test_add_func ("/Hs/LinuxModules/empty-and-offset", test_empty_and_offset);
      g_test_add_func ("/Hs/LinuxModules/hostile", test_hostile);
      g_test_add_func ("/Hs/LinuxModules/endless", test_endless);
    }
  {
    int status = g_test_run ();

    g_clear_object (&vmlinux);
    return status;
  }
}
