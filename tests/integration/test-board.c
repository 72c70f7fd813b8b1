/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board.c: the engine against the real demo board (QEMU + Xen + two
 * Linux guests). One board is booted for the whole binary; each test leaves
 * it halted, as it found it. The last test kills QEMU on purpose.
 */
#include "config.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <signal.h>
#include <stdio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hs-board.h"
#include "hs-engine.h"
#include "hs-interp.h"
#include "hs-guest-model.h"
#include "hs-probe-gdb.h"
#include "hs-symbol-scope.h"
#include "hs-test-util.h"
#include "test-board.h"



/* ---- helpers ---------------------------------------------------------------------------- */

void
ensure_halted (void)
{
  if (hs_engine_get_state (engine) == HS_ENGINE_STATE_RUNNING)
    g_free (run_ok ("Break"));
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
}

/* Tasks are read at a halt once vmlinux is loaded: make sure one happened since. */
void
ensure_tasks (void)
{
  ensure_halted ();
  if (g_list_model_get_n_items (hs_engine_get_tasks (engine)) == 0)
    {
      g_free (run_ok ("Go"));
      g_free (run_ok ("Break"));
    }
  g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_tasks (engine)), >, 0);
}

guint64
reg (guint       core,
     const char *name)
{
  guint64 v = 0;

  g_assert_true (hs_core_get_register_by_name (hs_engine_get_core (engine, core), name, &v));
  return v;
}

static guint64
board_number (const char *key)
{
  g_autofree char *text = board_path (key);

  return g_ascii_strtoull (text, NULL, 0);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
test_attach (void)
{
  GPtrArray *infos = hs_engine_get_register_infos (engine);

  g_assert_cmpuint (hs_engine_get_n_cores (engine), ==, 4);
  g_assert_nonnull (infos);
  g_assert_cmpint (hs_engine_lookup_register (engine, "VTTBR_EL2"), >=, 0);
  g_assert_cmpint (hs_engine_lookup_register (engine, "x0"), >=, 0);
  g_assert_cmpint (hs_engine_lookup_register (engine, "SCTLR"), >=, 0);
  /* The board was booted and running: attaching must not have stopped it. */
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_RUNNING);
}

static void
test_halt_all (void)
{
  ensure_halted ();
  for (guint c = 0; c < 4; c++)
    {
      HsCore *core = hs_engine_get_core (engine, c);
      guint64 pc;
      int el = hs_core_get_exception_level (core);

      g_assert_cmpint (hs_core_get_state (core), ==, HS_CORE_STATE_HALTED);
      g_assert_cmpint (el, >=, 0);
      g_assert_cmpint (el, <=, 2);
      g_assert_true (hs_core_get_pc (core, &pc));
    }
}

/* Xen gives each guest its own VMID; a core inside a guest (EL0/EL1) must carry one. */
static void
test_vttbr (void)
{
  guint with_vmid = 0;

  ensure_halted ();
  for (guint c = 0; c < 4; c++)
    {
      guint64 vttbr = reg (c, "VTTBR_EL2");
      guint vmid = (guint) (vttbr >> 48);
      int el = hs_core_get_exception_level (hs_engine_get_core (engine, c));

      g_test_message ("core %u: EL%d VTTBR_EL2 0x%016" G_GINT64_MODIFIER "x (VMID %u)", c, el,
                      vttbr, vmid);
      g_assert_cmpuint (vmid, <=, 2);
      if (el < 2)
        {
          g_assert_cmpuint (vmid, !=, 0);
          g_assert_cmpuint (reg (c, "HCR_EL2") & 1, ==, 1);
        }
      if (vmid != 0)
        with_vmid++;
    }
  /* Both guests have run since boot, so some core last ran one of them. */
  g_assert_cmpuint (with_vmid, >, 0);
  /* Xen's own page tables are the same on every core. */
  for (guint c = 1; c < 4; c++)
    g_assert_cmphex (reg (c, "TTBR0_EL2"), ==, reg (0, "TTBR0_EL2"));
}

static gboolean
find_section (const char *path,
              const char *name,
              guint64    *addr,
              guint64    *size)
{
  int fd = open (path, O_RDONLY);
  Elf *elf;
  Elf_Scn *scn = NULL;
  size_t shstrndx;
  gboolean found = FALSE;

  g_assert_cmpint (fd, >=, 0);
  elf_version (EV_CURRENT);
  elf = elf_begin (fd, ELF_C_READ, NULL);
  g_assert_nonnull (elf);
  g_assert_cmpint (elf_getshdrstrndx (elf, &shstrndx), ==, 0);
  while ((scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr shdr;

      gelf_getshdr (scn, &shdr);
      if (g_strcmp0 (elf_strptr (elf, shstrndx, shdr.sh_name), name) == 0)
        {
          *addr = shdr.sh_addr;
          *size = shdr.sh_size;
          found = TRUE;
          break;
        }
    }
  elf_end (elf);
  close (fd);
  return found;
}

/* Xen's .rodata, read through the probe's physical access, is the built image byte for byte. */
static void
test_xen_rodata (void)
{
  g_autofree char *xen = board_path ("xen");
  g_autofree char *syms = board_path ("xen_syms");
  guint64 load = board_number ("xen_load_addr");
  guint64 virt = board_number ("xen_virt_start");
  g_autofree char *image = NULL;
  gsize image_len;
  guint64 addr = 0, size = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GAsyncResult *w = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expect = NULL;

  ensure_halted ();
  g_assert_true (find_section (syms, ".rodata", &addr, &size));
  g_assert_cmpuint (size, >, 0x1000);
  g_assert_true (g_file_get_contents (xen, &image, &image_len, NULL));
  g_assert_cmpuint (addr - virt + size, <=, image_len);

  hs_engine_read_physical_async (engine, addr - virt + load, size, NULL, hs_test_store_result, &w);
  bytes = hs_engine_read_physical_finish (engine, hs_test_wait_result (&w, WAIT_S), &error);
  g_object_unref (w);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, size);
  g_assert_true (memcmp (g_bytes_get_data (bytes, NULL), image + (addr - virt), size) == 0);
  g_test_message (".rodata: %" G_GUINT64_FORMAT " bytes at A:0x%" G_GINT64_MODIFIER "x match",
                  size, addr - virt + load);

  /* The same through the command language. */
  cmd = g_strdup_printf ("Data.dump A:0x%" G_GINT64_MODIFIER "x /Length 0x10", addr - virt + load);
  out = run_ok (cmd);
  expect = g_strdup_printf ("A:0x%016" G_GINT64_MODIFIER "x  %02x %02x %02x %02x",
                            addr - virt + load, (guint8) image[addr - virt],
                            (guint8) image[addr - virt + 1], (guint8) image[addr - virt + 2],
                            (guint8) image[addr - virt + 3]);
  g_assert_nonnull (strstr (out, expect));
}

static void
test_go_break (void)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *go = NULL;
      g_autofree char *brk = NULL;
      g_autofree char *wait = NULL;

      ensure_halted ();
      go = run_ok ("Go");
      g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_RUNNING);
      for (guint c = 0; c < 4; c++)
        g_assert_cmpint (hs_core_get_state (hs_engine_get_core (engine, c)), ==,
                         HS_CORE_STATE_RUNNING);
      wait = run_ok ("WAIT 200.ms");
      brk = run_ok ("Break");
      g_assert_nonnull (strstr (brk, "halted at EL"));
      g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
      g_assert_cmpint (hs_engine_get_last_stop (engine)->reason, ==, HS_STOP_REASON_HALT_REQUEST);
    }
  /* WAIT with a condition sees the state change. */
  g_free (run_ok ("Go"));
  g_free (run_ok ("WAIT STATE.RUN() 1.s"));
  g_free (run_ok ("Break"));
  {
    g_autofree char *out = run_ok ("PRINT STATE.RUN()");

    g_assert_cmpstr (out, ==, "FALSE()\n");
  }
}

/* One instruction on one core; the others do not move. */
static void
test_step (void)
{
  guint stepped = 0;

  ensure_halted ();
  for (guint c = 0; c < 4; c++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *cmd = g_strdup_printf ("Step /CORE %u.", c);
      g_autofree char *out = NULL;
      guint64 before[4], after;

      for (guint o = 0; o < 4; o++)
        before[o] = reg (o, "pc");
      out = run (cmd, &error);
      if (g_error_matches (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_STEP_TIMEOUT))
        {
          /* A core asleep in WFI cannot retire an instruction; it is halted again, intact. */
          g_test_message ("core %u: %s", c, error->message);
          g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
          continue;
        }
      g_assert_no_error (error);
      after = reg (c, "pc");
      g_test_message ("core %u: pc 0x%" G_GINT64_MODIFIER "x -> 0x%" G_GINT64_MODIFIER "x", c,
                      before[c], after);
      g_assert_cmphex (after, !=, before[c]);
      g_assert_cmpint (hs_core_get_stop_reason (hs_engine_get_core (engine, c)), ==,
                       HS_STOP_REASON_STEP);
      for (guint o = 0; o < 4; o++)
        if (o != c)
          g_assert_cmphex (reg (o, "pc"), ==, before[o]);
      stepped++;
    }
  /* The guests' busy loops keep at least one core out of WFI. */
  if (stepped == 0)
    {
      g_free (run_ok ("Go"));
      g_free (run_ok ("WAIT 100.ms"));
      g_free (run_ok ("Break"));
      g_autofree char *cmd = g_strdup_printf ("Step /CORE %u.",
                                              hs_engine_get_last_stop (engine)->core);
      g_free (run_ok (cmd));
      stepped++;
    }
  g_assert_cmpuint (stepped, >, 0);
}

static void
test_register_view (void)
{
  g_autofree char *out = NULL;

  ensure_halted ();
  out = run_ok ("r.v /CORE 1.");
  g_assert_nonnull (strstr (out, "core 1: halted at EL"));
  g_assert_nonnull (strstr (out, "VTTBR_EL2"));
  g_assert_nonnull (strstr (out, "VTCR_EL2"));
  g_assert_nonnull (strstr (out, "HCR_EL2"));
  g_assert_nonnull (strstr (out, "TTBR1_EL1"));
  g_assert_nonnull (strstr (out, "SCTLR"));
  {
    g_autofree char *vttbr = g_strdup_printf ("VTTBR_EL2       0x%016" G_GINT64_MODIFIER "x",
                                              reg (1, "VTTBR_EL2"));

    g_assert_nonnull (strstr (out, vttbr));
  }
}

/* Bad input gives a clear error and loses nothing: the next command works. */
static void
test_bad_input (void)
{
  static const char *const bad[] = {
    "Data.dump A:0xZZ",
    "Data.dump A:0xfffffffffffffff0 /Length 0x100",
    "Data.dump 7:::0x40000000",
    "Register.view /CORE 9.",
    "Step /CORE 0x10",
    "Regster.view",
    "PRINT (1",
    "WAIT",
  };

  ensure_halted ();
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = run (bad[i], &error);

      g_assert_null (out);
      g_assert_nonnull (error);
      g_test_message ("%s -> %s", bad[i], error->message);
      g_assert_cmpuint (strlen (error->message), >, 10);
    }
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
  g_free (run_ok ("Register.view /CORE 0"));
}

static void
test_refused (void)
{
  g_autoptr(HsEngine) other = hs_engine_new ();
  g_autoptr(HsProbeGdb) probe = hs_probe_gdb_new ("127.0.0.1", 1);
  g_autoptr(GError) error = NULL;
  GAsyncResult *w = NULL;

  hs_engine_attach_async (other, HS_PROBE (probe), NULL, hs_test_store_result, &w);
  g_assert_false (hs_engine_attach_finish (other, hs_test_wait_result (&w, WAIT_S), &error));
  g_object_unref (w);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "127.0.0.1:1"));
  g_assert_cmpint (hs_engine_get_state (other), ==, HS_ENGINE_STATE_DETACHED);
}


/* ---- symbols, machines and the two-stage walk (issue 3) --------------------------------- */

static gboolean
three_machines (void)
{
  return g_list_model_get_n_items (hs_engine_get_machines (engine)) >= 3;
}

static void
test_load_symbols (void)
{
  g_autofree char *xen = board_path ("xen_syms");
  g_autofree char *vmlinux = board_path ("vmlinux");
  g_autofree char *l0 = g_strdup_printf ("Data.LOAD.Elf %s 0:::0::0 /NoCODE /Name xen", xen);
  g_autofree char *l1 = g_strdup_printf ("Data.LOAD.Elf %s 1:::0::0 /NoCODE /Name linux1",
                                         vmlinux);
  g_autofree char *l2 = g_strdup_printf ("d.load.elf %s 2:::0 /nocode /name linux2", vmlinux);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  ensure_halted ();
  g_free (run_ok (l0));
  /* Xen's symbols were loaded while halted: the guests are found before the command ends. */
  g_assert_true (three_machines ());
  g_free (run_ok (l1));
  g_free (run_ok (l2));

  out = run_ok ("MACHINE.List");
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "xen"));
  /* Domain, VMID, vCPUs and stage-2 base as Xen has them; then each vCPU. */
  g_assert_nonnull (strstr (out, "  linux1 "));
  g_assert_nonnull (strstr (out, "  linux2 "));
  g_assert_nonnull (strstr (out, "     1     1      2  0x00010000"));
  g_assert_nonnull (strstr (out, "     2     2      1  0x00020000"));
  g_assert_nonnull (strstr (out, "vCPU 1 "));
  g_assert_nonnull (strstr (out, "pCPU 3  runs "));

  /* Errors name the file and the reason; nothing already loaded is lost. */
  g_assert_null (run ("Data.LOAD.Elf /nonexistent/vmlinux 1:::0 /NoCODE", &error));
  g_assert_nonnull (strstr (error->message, "/nonexistent/vmlinux"));
  g_clear_error (&error);
  g_assert_null (run ("Data.LOAD.Elf /etc/hostname 1:::0 /NoCODE", &error));
  g_assert_nonnull (strstr (error->message, "/etc/hostname"));
  g_clear_error (&error);
  g_assert_null (run ("Data.LOAD.Elf /etc/hostname 1:::0", &error));
  g_assert_nonnull (strstr (error->message, "/NoCODE"));
  g_free (run_ok ("Data.dump 1:::0::linux_banner /Length 4"));
}

/* Each guest's banner, by symbol, whichever machine the halted cores are in. */
static void
test_banners (void)
{
  g_autofree char *serial = hs_board_read_serial (board);

  for (guint round = 0; round < 3; round++)
    {
      ensure_halted ();
      for (guint m = 1; m <= 2; m++)
        {
          g_autofree char *cmd = g_strdup_printf ("Data.dump %u:::linux_banner /Length 0x40", m);
          g_autofree char *out = run_ok (cmd);
          g_autofree char *prefix = g_strdup_printf ("%u:::0xffff", m);

          g_assert_nonnull (strstr (out, prefix));
          g_assert_nonnull (strstr (out, "Linux version 6."));
        }
      g_free (run_ok ("Go"));
      g_free (run_ok ("WAIT 100.ms"));
      g_free (run_ok ("Break"));
    }
  /* The guests print the same banner on the serial line: memory and oracle agree. */
  g_assert_nonnull (strstr (serial, "Linux version 6.1.0-"));
}

guint
machine_of_vmid (guint vmid)
{
  GListModel *machines = hs_engine_get_machines (engine);

  for (guint i = 0; i < g_list_model_get_n_items (machines); i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (machines, i);

      if (hs_machine_get_kind (m) == HS_MACHINE_GUEST && hs_machine_get_vmid (m) == vmid)
        return hs_machine_get_id (m);
    }
  return 0;
}

HsMemoryRead *
read_mem (const HsAddress *address,
          gsize            length)
{
  g_autoptr(GError) error = NULL;
  HsMemoryRead *result;
  GAsyncResult *w = NULL;

  hs_engine_read_async (engine, address, length, NULL, hs_test_store_result, &w);
  result = hs_engine_read_finish (engine, hs_test_wait_result (&w, WAIT_S), &error);
  g_object_unref (w);
  g_assert_no_error (error);
  return result;
}

/* For a guest running on a halted core, our walk reads what QEMU's own translation reads. */
static void
test_walk_matches_qemu (void)
{
  static const char *const names[] = {
    "linux_banner", "init_task", "jiffies", "init_mm", "swapper_pg_dir", "loops_per_jiffy",
    "init_uts_ns", "cpu_online_mask", "saved_command_line", "kimage_voffset",
  };
  guint compared = 0;

  for (guint attempt = 0; attempt < 40 && compared == 0; attempt++)
    {
      ensure_halted ();
      for (guint c = 0; c < 4; c++)
        {
          int el = hs_core_get_exception_level (hs_engine_get_core (engine, c));
          guint machine = machine_of_vmid ((guint) (reg (c, "VTTBR_EL2") >> 48));

          /* At EL0 QEMU's debug access applies EL0's permissions and refuses kernel pages. */
          if (el != 1 || machine == 0)
            continue;
          for (guint i = 0; i < G_N_ELEMENTS (names); i++)
            {
              HsAddress a = { HS_ACCESS_VIRTUAL, machine, 0, 0 };
              g_autoptr(GError) error = NULL;
              guint8 qemu[256];
              HsMemoryRead *ours;

              if (!hs_engine_lookup_symbol (engine, machine, 0, names[i], &a.offset, NULL))
                continue;
              ours = read_mem (&a, sizeof qemu);
              g_assert_null (ours->fault);
              /* The probe the engine's worker owns, asked directly while no job runs (the
               * probe serialises requests itself): QEMU's own reading of the address. */
              g_assert_true (hs_probe_gdb_read_virtual (gdb_probe, c, a.offset, qemu, sizeof qemu,
                                                        &error));
              g_assert_no_error (error);
              g_assert_true (memcmp (g_bytes_get_data (ours->data, NULL), qemu, sizeof qemu) == 0);
              hs_memory_read_free (ours);
              compared++;
            }
          g_test_message ("core %u in machine %u (EL%d): %u addresses agree", c, machine, el,
                          compared);
        }
      if (compared == 0)
        {
          g_free (run_ok ("Go"));
          g_free (run_ok ("WAIT 50.ms"));
          g_free (run_ok ("Break"));
        }
    }
  g_assert_cmpuint (compared, >=, 5);
}

/* Machine 0's virtual addresses go through Xen's own stage 1. */
static void
test_xen_virtual (void)
{
  guint64 offset = board_number ("xen_phys_offset");
  HsAddress virt = { HS_ACCESS_VIRTUAL, 0, 0, 0 };
  HsAddress phys = { HS_ACCESS_PHYSICAL, 0, 0, 0 };
  HsMemoryRead *a, *b;

  ensure_halted ();
  g_assert_true (hs_engine_lookup_symbol (engine, 0, 0, "domain_list", &virt.offset, NULL));
  phys.offset = virt.offset + offset;
  a = read_mem (&virt, 64);
  b = read_mem (&phys, 64);
  g_assert_null (a->fault);
  g_assert_true (g_bytes_equal (a->data, b->data));
  hs_memory_read_free (a);
  hs_memory_read_free (b);
}

static void
test_translate (void)
{
  g_autofree char *out1 = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *hole = NULL;
  const char *pa_text;
  HsAddress virt = { HS_ACCESS_VIRTUAL, 1, 0, 0 };
  HsAddress phys = { HS_ACCESS_PHYSICAL, 0, 0, 0 };
  HsMemoryRead *a, *b;

  ensure_halted ();
  out1 = run_ok ("MMU.Translate 1:::init_task");
  out2 = run_ok ("MMU.Translate 2:::init_task");
  g_test_message ("%s%s", out1, out2);
  for (guint i = 0; i < 2; i++)
    {
      const char *out = i ? out2 : out1;

      g_assert_nonnull (strstr (out, "stage 1: VA  0xffff8"));
      g_assert_nonnull (strstr (out, "stage 2: IPA"));
      g_assert_nonnull (strstr (out, "result: A:0x"));
    }
  /* Same kernel layout, different host memory. */
  g_assert_cmpstr (strstr (out1, "result:"), !=, strstr (out2, "result:"));

  /* The PA it names holds init_task's bytes. */
  pa_text = strstr (out1, "result: A:") + strlen ("result: A:");
  phys.offset = g_ascii_strtoull (pa_text, NULL, 16);
  g_assert_true (hs_engine_lookup_symbol (engine, 1, 0, "init_task", &virt.offset, NULL));
  a = read_mem (&virt, 128);
  b = read_mem (&phys, 128);
  g_assert_true (g_bytes_equal (a->data, b->data));
  hs_memory_read_free (a);
  hs_memory_read_free (b);

  /* Unmapped: a fault with its stage and level, not an error. */
  hole = run_ok ("MMU.Translate 1:::0x10");
  g_assert_nonnull (strstr (hole, "fault:"));
  g_assert_nonnull (strstr (hole, "level"));
}

static void
test_data_set (void)
{
  g_autofree char *before1 = NULL;
  g_autofree char *before2 = NULL;
  g_autofree char *after = NULL;
  g_autofree char *other = NULL;
  g_autofree char *restored = NULL;
  HsAddress a = { HS_ACCESS_VIRTUAL, 2, 0, 0 };
  HsMemoryRead *orig;
  guint32 word;
  g_autofree char *restore = NULL;

  ensure_halted ();
  before1 = run_ok ("Data.dump 1:::linux_banner+0x10 /Length 0x10");
  before2 = run_ok ("Data.dump 2:::linux_banner+0x10 /Length 0x10");
  g_assert_true (hs_engine_lookup_symbol (engine, 2, 0, "linux_banner", &a.offset, NULL));
  a.offset += 0x10;
  orig = read_mem (&a, 4);
  memcpy (&word, g_bytes_get_data (orig->data, NULL), 4);
  hs_memory_read_free (orig);

  g_free (run_ok ("Data.Set 2:::linux_banner+0x10 %Long 0x44434241"));
  after = run_ok ("Data.dump 2:::linux_banner+0x10 /Length 0x10");
  g_assert_nonnull (strstr (after, "41 42 43 44"));
  g_assert_nonnull (strstr (after, "ABCD"));
  /* Machine 1 maps the same VA to other host memory: untouched. */
  other = run_ok ("Data.dump 1:::linux_banner+0x10 /Length 0x10");
  g_assert_cmpstr (other, ==, before1);

  restore = g_strdup_printf ("Data.Set 2:::linux_banner+0x10 %%Long 0x%08x", word);
  g_free (run_ok (restore));
  restored = run_ok ("Data.dump 2:::linux_banner+0x10 /Length 0x10");
  g_assert_cmpstr (restored, ==, before2);
}

static void
test_address_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *unmapped = NULL;

  ensure_halted ();
  g_assert_null (run ("Data.dump 5:::0x1000", &error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "machine 5 does not exist; machines: 0 (xen), "
                                            "1 (linux1, domain 1), 2 (linux2, domain 2)"));
  g_clear_error (&error);
  g_assert_null (run ("Data.dump 1:::no_such_symbol_here", &error));
  g_assert_nonnull (strstr (error->message, "no_such_symbol_here"));
  g_clear_error (&error);
  g_assert_null (run ("Data.dump A:2:::0x1000", &error));
  g_assert_nonnull (strstr (error->message, "A:"));
  g_clear_error (&error);
  g_assert_null (run ("Data.dump 1:::0x5a::0xffff800008000000", &error));
  g_assert_nonnull (strstr (error->message, "space 0x5a"));
  g_clear_error (&error);

  /* Unmapped bytes are shown as ?? with the reason; the command succeeds. */
  unmapped = run_ok ("Data.dump 1:::0x0 /Length 0x20");
  g_assert_nonnull (strstr (unmapped, "?? ??"));
  g_assert_nonnull (strstr (unmapped, "not readable"));

  /* I: reads guest physical memory through stage 2 alone. */
  out = run_ok ("MMU.Translate I:2:::0x41000000");
  g_assert_nonnull (strstr (out, "result: A:0x"));
}

static void
test_symbols_and_tables (void)
{
  g_autofree char *list = NULL;
  g_autofree char *info = NULL;
  g_autofree char *table = NULL;

  ensure_halted ();
  list = run_ok ("sYmbol.List 1:::linux_ban*");
  g_assert_nonnull (strstr (list, "linux_banner"));
  info = run_ok ("sYmbol.INFO 2:::init_task");
  g_test_message ("%s", info);
  g_assert_nonnull (strstr (info, "task_struct"));
  g_assert_nonnull (strstr (info, "2:::0xffff8"));
  /* Disassembly from guest memory, calls named by the guest's symbols. */
  {
    g_autofree char *code = run_ok ("Data.List 2:::do_nanosleep /Length 0x100");

    g_assert_nonnull (strstr (code, "2:::0xffff"));
    g_assert_nonnull (strstr (code, "do_nanosleep+0x18"));
    g_assert_nonnull (strstr (code, "stp     x29, x30"));
    g_assert_nonnull (strstr (code, " bl      #0xffff"));
    /* ... and a call's target named: " <hrtimer_...>" */
    g_assert_nonnull (strstr (strstr (code, " bl      #0xffff"), " <"));
  }
  table = run_ok ("MMU.List.PageTable 1:::0xffff800008000000++0x400000");
  g_test_message ("%s", table);
  g_assert_nonnull (strstr (table, "0xffff800008"));
  g_assert_null (strstr (table, "nothing mapped"));
}


/* ---- guests and their tasks (issue 4) --------------------------------------------------- */

/* The processes each guest's /init listed with ps at boot: "(XEN) DOM1:    94     1 linux1_ticker". */
static GHashTable *
console_processes (guint domain)
{
  g_autofree char *serial = hs_board_read_serial (board);
  g_autofree char *prefix = g_strdup_printf ("(XEN) DOM%u: ", domain);
  g_auto(GStrv) lines = g_strsplit (serial, "\n", -1);
  GHashTable *procs = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  gboolean in_ps = FALSE;

  for (guint i = 0; lines[i]; i++)
    {
      const char *l = lines[i];
      int pid, ppid;
      char name[64];

      if (!g_str_has_prefix (l, prefix))
        continue;
      l += strlen (prefix);
      if (strstr (l, "PID") && strstr (l, "COMMAND"))
        {
          in_ps = TRUE;
          continue;
        }
      if (in_ps && sscanf (l, "%d %d %63s", &pid, &ppid, name) == 3)
        {
          /* ps itself has exited since. */
          if (g_strcmp0 (name, "ps") != 0)
            g_hash_table_insert (procs, GINT_TO_POINTER (pid), g_strdup (name));
        }
      else if (in_ps)
        in_ps = FALSE;
    }
  return procs;
}

static void
test_tasks_match_consoles (void)
{
  ensure_halted ();
  for (guint m = 1; m <= 2; m++)
    {
      g_autoptr(GHashTable) procs = console_processes (m);
      g_autofree char *cmd = g_strdup_printf ("TASK.List /MACHINE %u.", m);
      g_autofree char *out = run_ok (cmd);
      GHashTableIter iter;
      gpointer pid, name;
      guint seen = 0;

      g_assert_cmpuint (g_hash_table_size (procs), >=, 5);
      g_hash_table_iter_init (&iter, procs);
      while (g_hash_table_iter_next (&iter, &pid, &name))
        {
          g_autofree char *expect = g_strdup_printf (" %7d %6d %6d  %-16s", GPOINTER_TO_INT (pid),
                                                     GPOINTER_TO_INT (pid), GPOINTER_TO_INT (pid),
                                                     (const char *) name);

          if (strstr (out, expect) == NULL)
            g_error ("machine %u: the console's %d %s is not in\n%s", m, GPOINTER_TO_INT (pid),
                     (const char *) name, out);
          seen++;
        }
      g_test_message ("machine %u: all %u console processes listed", m, seen);
      /* Kernel threads too, and nothing from the other guest. */
      g_assert_nonnull (strstr (out, "kthreadd"));
      g_assert_null (strstr (out, m == 1 ? "linux2_" : "linux1_"));
    }
}

static void
test_task_context (void)
{
  g_autofree char *frames = NULL;
  g_autofree char *regs = NULL;
  g_autofree char *init = NULL;

  ensure_halted ();
  frames = run_ok ("Frame.view /MACHINE 2 /TASK sleep");
  g_test_message ("%s", frames);
  g_assert_nonnull (strstr (frames, "schedule+0x"));
  g_assert_nonnull (strstr (frames, "do_nanosleep+0x"));
  g_assert_nonnull (strstr (frames, "hrtimer.c:"));
  g_assert_nonnull (strstr (frames, "#3 "));
  /* Down to where user space entered the kernel. */
  g_assert_nonnull (strstr (frames, "user space of process"));

  regs = run_ok ("Register.view /MACHINE 2 /TASK linux2_ticker");
  g_assert_nonnull (strstr (regs, "registers: "));
  g_assert_nonnull (strstr (regs, "pc   0xffff8"));
  g_assert_nonnull (strstr (regs, "user (pt_regs): pc 0x"));

  /* Machine 0: Xen's own stack on a core in Xen, symbolised with xen-syms. */
  for (guint c = 0; c < 4; c++)
    {
      g_autofree char *cmd = g_strdup_printf ("Frame.view /MACHINE 0 /CORE %u.", c);
      g_autoptr(GError) error = NULL;
      g_autofree char *xen = run (cmd, &error);

      if (hs_core_get_exception_level (hs_engine_get_core (engine, c)) < 2)
        {
          g_assert_nonnull (strstr (error->message, "not in Xen"));
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (strstr (xen, "#0  0:::0x"));
      g_assert_nonnull (strstr (xen, "/xen/"));
    }

  init = run_ok ("Frame.view /MACHINE 1 /TASK 1");
  g_assert_nonnull (strstr (init, "task init (pid 1"));
  g_assert_nonnull (strstr (init, "schedule"));

  /* A process's own address space: busybox is mapped at 0x400000 in each. */
  for (guint m = 1; m <= 2; m++)
    {
      g_autofree char *name = g_strdup_printf ("linux%u_ticker", m);
      HsTask *ticker = hs_engine_find_task (engine, m, name, NULL);
      g_autofree char *cmd = NULL;
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (ticker);
      cmd = g_strdup_printf ("Data.dump %u:::%d.::0x400000 /Length 0x10", m,
                             hs_task_get_tgid (ticker));
      out = run_ok (cmd);
      g_assert_nonnull (strstr (out, ".ELF"));
      /* A kernel thread has no user space of its own. */
      g_assert_null (run ("Data.dump 1:::2.::0x400000", &error));
      g_assert_nonnull (strstr (error->message, "no process with address space"));
    }
}

static void
test_inactive_guest (void)
{
  gboolean done[3] = { FALSE, FALSE, FALSE };

  for (guint attempt = 0; attempt < 60 && !(done[1] && done[2]); attempt++)
    {
      ensure_halted ();
      for (guint c = 0; c < 4; c++)
        {
          int el = hs_core_get_exception_level (hs_engine_get_core (engine, c));
          guint active = machine_of_vmid ((guint) (reg (c, "VTTBR_EL2") >> 48));
          guint other = active == 1 ? 2 : 1;
          g_autofree char *cmd = NULL;
          g_autofree char *tasks = NULL;
          g_autofree char *frames = NULL;
          g_autofree char *ticker = NULL;

          if (el >= 2 || active == 0 || done[active])
            continue;
          cmd = g_strdup_printf ("TASK.List /MACHINE %u.", other);
          tasks = run_ok (cmd);
          ticker = g_strdup_printf ("linux%u_ticker", other);
          g_assert_nonnull (strstr (tasks, ticker));
          g_free (cmd);
          cmd = g_strdup_printf ("Frame.view /MACHINE %u. /TASK %s", other, ticker);
          frames = run_ok (cmd);
          g_assert_nonnull (strstr (frames, "schedule"));
          g_test_message ("core %u in machine %u: machine %u's tasks and frames read", c, active,
                          other);
          done[active] = TRUE;
        }
      if (!(done[1] && done[2]))
        {
          g_free (run_ok ("Go"));
          g_free (run_ok ("WAIT 30.ms"));
          g_free (run_ok ("Break"));
        }
    }
  g_assert_true (done[1] || done[2]);
  if (!(done[1] && done[2]))
    g_test_message ("only one direction seen in 60 halts");
}

static void
test_vttbr_matches_xen (void)
{
  guint checked = 0;

  ensure_halted ();
  for (guint c = 0; c < 4; c++)
    {
      guint64 vttbr = reg (c, "VTTBR_EL2");
      guint m = machine_of_vmid ((guint) (vttbr >> 48));

      if (m == 0)
        continue;
      g_assert_cmphex (hs_machine_get_vttbr (hs_engine_get_machine (engine, m)), ==, vttbr);
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
  g_assert_cmpuint (hs_machine_get_n_vcpus (hs_engine_get_machine (engine, 1)), ==, 2);
  g_assert_cmpuint (hs_machine_get_n_vcpus (hs_engine_get_machine (engine, 2)), ==, 1);
}

static void
on_detached (HsEngine     *e,
             const GError *error,
             gpointer      user_data)
{
  GError **out = user_data;

  *out = error ? g_error_copy (error) : g_error_new_literal (G_IO_ERROR, 0, "clean");
}

typedef struct
{
  guint count;
  GError *first;
} Lost;

static void
count_detached (HsEngine     *e,
                const GError *error,
                gpointer      user_data)
{
  Lost *lost = user_data;

  if (lost->count++ == 0)
    lost->first = error ? g_error_copy (error) : g_error_new_literal (G_IO_ERROR, 0, "clean");
}

static gboolean
lost_and_done (gpointer data)
{
  Lost *lost = data;

  return lost->count > 0;
}

/* QEMU dies while a halt reads the cores, guests and tasks: the lost board is reported once,
 * clearly; symbols and breakpoints stay; a restarted board is attached to again and the
 * breakpoint is planted there. */
static void
test_killed_qemu_mid_halt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *machines = NULL;
  g_autofree char *list = NULL;
  g_autofree char *attach = NULL;
  GAsyncResult *w = NULL;
  Lost lost = { 0 };
  gulong handler;

  ensure_halted ();
  g_free (run_ok ("Break.Set 2:::hrtimer_nanosleep /MACHINE 2"));
  /* Disabled while the board runs: a hit within the wait (machine 2 sleeps every second)
   * would leave nothing for Break to read when QEMU dies. */
  g_free (run_ok ("Break.DISable 2:::hrtimer_nanosleep"));
  g_free (run_ok ("Go"));
  g_free (run_ok ("WAIT 200.ms"));
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_RUNNING);
  handler = g_signal_connect (engine, "detached", G_CALLBACK (count_detached), &lost);
  hs_interp_execute_async (interp, "Break", NULL, hs_test_store_result, &w);
  /* The first look at a halt takes 4-8 ms of reads: die in the middle of them. */
  g_usleep (2000);
  g_assert_cmpint (kill (hs_board_get_pid (board), SIGKILL), ==, 0);
  {
    g_autoptr(GError) break_error = NULL;
    g_autofree char *out = hs_interp_execute_finish (interp, hs_test_wait_result (&w, WAIT_S),
                                                     &break_error);

    g_test_message ("Break: %s (state %s)", out ? out : break_error->message,
                    hs_engine_state_to_string (hs_engine_get_state (engine)));
  }
  g_clear_object (&w);
  hs_test_wait_until (lost_and_done, &lost, WAIT_S, "the lost board reported");
  hs_test_spin (500);
  g_signal_handler_disconnect (engine, handler);
  g_test_message ("lost %u time(s): %s", lost.count, lost.first->message);
  g_assert_cmpuint (lost.count, ==, 1);
  g_assert_true (g_error_matches (lost.first, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST));
  g_clear_error (&lost.first);
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_DETACHED);

  /* What the user had set up is still there. */
  machines = run_ok ("MACHINE.List");
  g_assert_nonnull (strstr (machines, "vmlinux"));
  g_assert_nonnull (strstr (machines, "xen-syms"));
  list = run_ok ("Break.List");
  g_assert_nonnull (strstr (list, "hrtimer_nanosleep  [machine 2, any task]"));

  /* A new board, attached to by the user: the breakpoint is planted there. */
  hs_board_stop (board);
  hs_board_start_async (board, NULL, hs_test_store_result, &w);
  hs_board_start_finish (board, hs_test_wait_result (&w, WAIT_S), &error);
  g_assert_no_error (error);
  g_clear_object (&w);
  attach = g_strdup_printf ("SYStem.Attach 127.0.0.1:%u", hs_board_get_gdb_port (board));
  g_free (run_ok (attach));
  g_free (run_ok ("Break.ENable 2:::hrtimer_nanosleep"));
  go_until_machine2_sleeps ();
}

/* Last: QEMU dies under us while running. The engine says so and stays usable. */
static void
test_killed_qemu (void)
{
  g_autoptr(GError) detached = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gint64 deadline;

  ensure_halted ();
  g_free (run_ok ("Go"));
  g_signal_connect (engine, "detached", G_CALLBACK (on_detached), &detached);
  /* SIGKILL: no goodbye on the wire, just a closed socket, as in a crash. */
  g_assert_cmpint (hs_board_get_pid (board), >, 0);
  g_assert_cmpint (kill (hs_board_get_pid (board), SIGKILL), ==, 0);
  deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  while (detached == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (detached);
  g_test_message ("detached: %s", detached->message);
  g_assert_true (g_error_matches (detached, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST));
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_DETACHED);

  out = run ("Register.view", &error);
  g_assert_null (out);
  g_assert_nonnull (strstr (error->message, "not attached"));
  g_clear_error (&error);
  /* The interpreter still works. */
  g_free (run_ok ("PRINT 1+1"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hs/Board/attach", test_attach);
  g_test_add_func ("/Hs/Board/halt-all", test_halt_all);
  g_test_add_func ("/Hs/Board/vttbr", test_vttbr);
  g_test_add_func ("/Hs/Board/xen-rodata", test_xen_rodata);
  g_test_add_func ("/Hs/Board/go-break", test_go_break);
  g_test_add_func ("/Hs/Board/step", test_step);
  g_test_add_func ("/Hs/Board/register-view", test_register_view);
  g_test_add_func ("/Hs/Board/bad-input", test_bad_input);
  g_test_add_func ("/Hs/Board/refused", test_refused);
  test_board_add_log_tests_before_symbols ();
  g_test_add_func ("/Hs/Board/load-symbols", test_load_symbols);
  g_test_add_func ("/Hs/Board/banners", test_banners);
  g_test_add_func ("/Hs/Board/walk-matches-qemu", test_walk_matches_qemu);
  g_test_add_func ("/Hs/Board/xen-virtual", test_xen_virtual);
  g_test_add_func ("/Hs/Board/translate", test_translate);
  g_test_add_func ("/Hs/Board/data-set", test_data_set);
  g_test_add_func ("/Hs/Board/address-errors", test_address_errors);
  g_test_add_func ("/Hs/Board/symbols-and-tables", test_symbols_and_tables);
  test_board_add_var_tests ();
  g_test_add_func ("/Hs/Board/tasks-match-consoles", test_tasks_match_consoles);
  g_test_add_func ("/Hs/Board/task-context", test_task_context);
  g_test_add_func ("/Hs/Board/inactive-guest", test_inactive_guest);
  test_board_add_log_tests ();
  test_board_add_breakpoint_tests ();
  g_test_add_func ("/Hs/Board/vttbr-matches-xen", test_vttbr_matches_xen);
  test_board_add_module_tests ();
  test_board_add_locals_tests ();
  test_board_add_hostile_tests ();
  g_test_add_func ("/Hs/Board/killed-qemu-mid-halt", test_killed_qemu_mid_halt);
  g_test_add_func ("/Hs/Board/killed-qemu", test_killed_qemu);

  if (!board_fixture_boot (FALSE))
    return 1;
  status = g_test_run ();
  board_fixture_stop ();
  return status;
}
