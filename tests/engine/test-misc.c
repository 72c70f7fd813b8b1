/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-misc.c: small pure functions: the board script's progress lines,
 * USB probe classification, and Arm register decoding.
 */
#define G_LOG_DOMAIN "test-misc"

#include "config.h"

#include "hs-arm64.h"
#include "hs-board.h"
#include "hs-engine.h"
#include "hs-job-queue.h"
#include "hs-sync.h"
#include "hs-probe-usb.h"

#include <string.h>

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  g_assert_nonnull (haystack);
  if (strstr (haystack, needle) == NULL)
    g_error ("'%s' does not contain '%s'", haystack, needle);
  g_assert_true (strstr (haystack, needle) != NULL);
}

/* ---- enum types ------------------------------------------------------------------------ */

/* States are typed properties: bindings and inspectors see names, not numbers. */
static void
test_enum_types (void)
{
  g_autoptr(GTypeClass) engine_class = g_type_class_ref (HS_TYPE_ENGINE);
  g_autoptr(GTypeClass) core_class = g_type_class_ref (HS_TYPE_CORE);
  g_autoptr(GTypeClass) machine_class = g_type_class_ref (HS_TYPE_MACHINE);
  g_autoptr(GEnumClass) reasons = g_type_class_ref (HS_TYPE_STOP_REASON);
  g_autofree char *halted = g_enum_to_string (HS_TYPE_ENGINE_STATE, HS_ENGINE_STATE_HALTED);
  GParamSpec *pspec;

  pspec = g_object_class_find_property (G_OBJECT_CLASS (engine_class), "state");
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  g_assert_cmpint (pspec->value_type, ==, HS_TYPE_ENGINE_STATE);
  pspec = g_object_class_find_property (G_OBJECT_CLASS (core_class), "state");
  g_assert_cmpint (pspec->value_type, ==, HS_TYPE_CORE_STATE);
  pspec = g_object_class_find_property (G_OBJECT_CLASS (machine_class), "state");
  g_assert_cmpint (pspec->value_type, ==, HS_TYPE_MACHINE_STATE);
  g_assert_cmpstr (g_enum_get_value (reasons, HS_STOP_REASON_BREAKPOINT)->value_nick, ==,
                   "breakpoint");
  g_assert_cmpstr (halted, ==, "HS_ENGINE_STATE_HALTED");
}

/* ---- board progress --------------------------------------------------------------------- */

static void
test_board_progress (void)
{
  static const struct
  {
    const char *line;
    guint step;
    guint total;
  } good[] = {
    { "[3/9] download x: 1/2 MB", 3, 9 },
    { "[1/1]", 1, 1 },
    { "[9/9] starting QEMU", 9, 9 },
    { "[0/7] checking tools", 0, 7 },
    { "[12/1000] many steps", 12, 1000 },
  };
  static const char *bad[] = {
    "garbage", "", "[", "[]", "[3]", "[3/]", "[/9]", "[3/9", "[3-9]", "[a/9]", "[3/b]",
    "[5/3] more done than there are", "[0/0]", "[1/1001]", " [3/9] leading blank",
    "3/9 no brackets", "[3/9x]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      guint step = 999, total = 999;

      g_assert_true (hs_board_parse_progress (good[i].line, &step, &total));
      g_assert_cmpuint (step, ==, good[i].step);
      g_assert_cmpuint (total, ==, good[i].total);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint step = 999, total = 999;

      if (hs_board_parse_progress (bad[i], &step, &total))
        g_error ("'%s' parsed as progress %u/%u", bad[i], step, total);
      /* Rejected lines leave the outputs alone. */
      g_assert_cmpuint (step, ==, 999);
      g_assert_cmpuint (total, ==, 999);
    }
}

/* ---- USB probes ------------------------------------------------------------------------- */

static void
test_usb_classify (void)
{
  /* SEGGER: every product id is a J-Link. */
  g_assert_cmpstr (hs_probe_usb_classify (0x1366, 0x0101, NULL), ==, "J-Link");
  g_assert_cmpstr (hs_probe_usb_classify (0x1366, 0x1015, "J-Link"), ==, "J-Link");
  /* ST: by product id. */
  g_assert_cmpstr (hs_probe_usb_classify (0x0483, 0x3748, NULL), ==, "ST-Link/V2");
  g_assert_cmpstr (hs_probe_usb_classify (0x0483, 0x374b, "STM32 STLink"), ==, "ST-Link/V2-1");
  /* ...and not every ST device is a probe (0x5740 is a virtual COM port). */
  g_assert_null (hs_probe_usb_classify (0x0483, 0x5740, "STM32 Virtual ComPort"));
  /* CMSIS-DAP is recognised by its product string, whatever the ids. */
  g_assert_cmpstr (hs_probe_usb_classify (0x1234, 0x5678, "Example CMSIS-DAP v2"), ==,
                   "CMSIS-DAP");
  g_assert_cmpstr (hs_probe_usb_classify (0x2e8a, 0x000c, "Debugprobe on Pico (CMSIS-DAP)"), ==,
                   "CMSIS-DAP");
  /* DAPLink by ids, without a readable product string. */
  g_assert_cmpstr (hs_probe_usb_classify (0x0d28, 0x0204, NULL), ==, "CMSIS-DAP (DAPLink)");
  /* Unknown devices: a keyboard, a hub, nothing. */
  g_assert_null (hs_probe_usb_classify (0x046d, 0xc31c, "USB Keyboard"));
  g_assert_null (hs_probe_usb_classify (0x1d6b, 0x0002, NULL));
  g_assert_null (hs_probe_usb_classify (0, 0, NULL));
  g_assert_null (hs_probe_usb_classify (0x1234, 0x5678, ""));
}

/* ---- Arm registers ---------------------------------------------------------------------- */

static void
test_arm64_vttbr (void)
{
  g_autofree char *text = hs_arm64_describe_register ("VTTBR_EL2",
                                                      G_GUINT64_CONSTANT (0x00010000bffaa000));
  g_autofree char *vmid0 = hs_arm64_describe_register ("VTTBR_EL2",
                                                       G_GUINT64_CONSTANT (0x0000000041230001));

  assert_contains (text, "VMID 1");
  assert_contains (text, "BADDR 0xbffaa000");
  /* Bit 0 is CnP, not part of the base address. */
  assert_contains (vmid0, "VMID 0");
  assert_contains (vmid0, "BADDR 0x41230000");
}

static void
test_arm64_ttbr (void)
{
  g_autofree char *text = hs_arm64_describe_register ("TTBR0_EL1",
                                                      G_GUINT64_CONSTANT (0x002a000041000000));

  assert_contains (text, "ASID 42");
  assert_contains (text, "BADDR 0x41000000");
}

static void
test_arm64_pstate (void)
{
  g_autofree char *el2h = hs_arm64_describe_register ("cpsr", 0x3c9);
  g_autofree char *el1h = hs_arm64_describe_register ("CPSR", 0x3c5);
  g_autofree char *el0t = hs_arm64_describe_register ("cpsr", 0x0);
  g_autofree char *nzcv = hs_arm64_describe_register ("SPSR_EL2", G_GUINT64_CONSTANT (0x600003c4));
  g_autofree char *a32 = hs_arm64_describe_register ("SPSR_EL1", 0x10);

  assert_contains (el2h, "EL2h");
  /* DAIF all masked. */
  assert_contains (el2h, "DAIF=DAIF");
  assert_contains (el1h, "EL1h");
  assert_contains (el0t, "EL0t");
  assert_contains (el0t, "DAIF=----");
  assert_contains (el0t, "nzcv");
  /* Z and C set. */
  assert_contains (nzcv, "EL1t");
  assert_contains (nzcv, "nZCv");
  /* M[4] set: an AArch32 mode. */
  assert_contains (a32, "AArch32");
}

static void
test_arm64_tcr (void)
{
  /* Linux with 48-bit VAs and 4K pages: T0SZ=T1SZ=16, TG0=0 (4K), TG1=2 (4K), IPS=5 (48 bits). */
  guint64 tcr = 16 | (G_GUINT64_CONSTANT (16) << 16) | (G_GUINT64_CONSTANT (0) << 14)
                | (G_GUINT64_CONSTANT (2) << 30) | (G_GUINT64_CONSTANT (5) << 32)
                | (G_GUINT64_CONSTANT (1) << 23);
  g_autofree char *text = hs_arm64_describe_register ("TCR_EL1", tcr);

  assert_contains (text, "T0SZ=16");
  assert_contains (text, "T1SZ=16");
  assert_contains (text, "TG0=0");
  assert_contains (text, "TG1=2");
  assert_contains (text, "IPS=5");
  assert_contains (text, "EPD0=0");
  assert_contains (text, "EPD1=1");
}

static void
test_arm64_other (void)
{
  g_autofree char *hcr = hs_arm64_describe_register ("HCR_EL2",
                                                     (G_GUINT64_CONSTANT (1) << 31) | 1 | (1 << 4));
  g_autofree char *vtcr = hs_arm64_describe_register ("VTCR_EL2",
                                                      24 | (1 << 6) | (2 << 16) | (1u << 19));
  g_autofree char *esr = hs_arm64_describe_register ("ESR_EL2",
                                                     (G_GUINT64_CONSTANT (0x24) << 26) | (1 << 25)
                                                     | 0x93);
  g_autofree char *mpidr = hs_arm64_describe_register ("MPIDR_EL1",
                                                       G_GUINT64_CONSTANT (0x80000000) | 0x010203);
  g_autofree char *sctlr = hs_arm64_describe_register ("SCTLR", 0x1005);

  assert_contains (hcr, "VM=1");
  assert_contains (hcr, "RW=1");
  assert_contains (hcr, "TGE=0");
  assert_contains (hcr, "IMO=1");
  assert_contains (vtcr, "T0SZ=24");
  assert_contains (vtcr, "SL0=1");
  assert_contains (vtcr, "PS=2");
  assert_contains (vtcr, "VS=1");
  /* EC 0x24: a data abort from a lower EL, as a stage-2 fault shows in ESR_EL2. */
  assert_contains (esr, "EC=0x24");
  assert_contains (esr, "IL=1");
  assert_contains (esr, "ISS=0x000093");
  assert_contains (mpidr, "1.2.3");
  assert_contains (sctlr, "M=1");
  assert_contains (sctlr, "C=1");
  assert_contains (sctlr, "I=1");

  /* Nothing to say about a general-purpose register. */
  g_assert_null (hs_arm64_describe_register ("x0", 0x1234));
  g_assert_null (hs_arm64_describe_register ("pc", 0));
}

static void
test_arm64_key_registers (void)
{
  const char * const *names = hs_arm64_key_system_registers ();
  guint n = 0;

  g_assert_nonnull (names);
  for (; names[n]; n++)
    ;
  g_assert_cmpuint (n, >, 10);
  /* The hypervisor's view first. */
  g_assert_cmpstr (names[0], ==, "VTTBR_EL2");
  g_assert_true (g_strv_contains (names, "HCR_EL2"));
  g_assert_true (g_strv_contains (names, "TCR_EL1"));
}

/* ---- the job queue's background lane ----------------------------------------------------- */

typedef struct
{
  HsMutex lock;
  HsCond cond;
  gboolean released;           /* under lock */
  char order[16];              /* worker only, read after every result came back */
  guint n_ran;                 /* worker only */
  guint n_done;                /* main thread */
  gint n_delivered;            /* atomic: results the main thread has had */
  gint background_early;       /* atomic: a background job ran before the others came back */
} Lanes;

static void
gate_job (gpointer  owner,
          HsJob    *job)
{
  Lanes *l = owner;

  hs_mutex_lock (&l->lock);
  while (!l->released)
    hs_cond_wait (&l->cond, &l->lock);
  hs_mutex_unlock (&l->lock);
  hs_job_return_boolean (job, TRUE);
}

static void
mark_job (gpointer  owner,
          HsJob    *job)
{
  Lanes *l = owner;

  char tag = (char) GPOINTER_TO_INT (hs_job_get_data (job));

  /* Background (lower case): every foreground result (the gate's and two more) is in. */
  if (g_ascii_islower (tag) && g_atomic_int_get (&l->n_delivered) < 3)
    g_atomic_int_set (&l->background_early, TRUE);
  l->order[l->n_ran++] = tag;
  hs_job_return_boolean (job, TRUE);
}

static void
lane_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ((Lanes *) user_data)->n_done++;
  g_atomic_int_inc (&((Lanes *) user_data)->n_delivered);
}

/* A background job waits while any other job is queued, however early it was queued, and until
 * the others' results have been delivered (whoever gets them may ask for more). */
static void
test_job_queue_lanes (void)
{
  Lanes l = { 0 };
  HsJobQueue *queue;
  const char *pushes = "bNbN";

  hs_mutex_init (&l.lock);
  hs_cond_init (&l.cond);
  queue = hs_job_queue_new (&l, g_main_context_default ());
  {
    g_autoptr(GTask) gate = g_task_new (NULL, NULL, lane_done, &l);

    hs_job_queue_push (queue, gate_job, NULL, NULL, gate);
  }
  for (guint i = 0; pushes[i] != 0; i++)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, lane_done, &l);
      gpointer tag = GINT_TO_POINTER (pushes[i] == 'b' ? 'a' + i : 'A' + i);

      if (pushes[i] == 'b')
        hs_job_queue_push_background (queue, mark_job, tag, NULL, task);
      else
        hs_job_queue_push (queue, mark_job, tag, NULL, task);
    }
  hs_mutex_lock (&l.lock);
  l.released = TRUE;
  hs_cond_broadcast (&l.cond);
  hs_mutex_unlock (&l.lock);
  while (l.n_done < 5)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (l.order, ==, "BDac");
  g_assert_false (g_atomic_int_get (&l.background_early));
  hs_job_queue_free (queue);
  hs_cond_clear (&l.cond);
  hs_mutex_clear (&l.lock);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hs/Enums/types", test_enum_types);
  g_test_add_func ("/Hs/JobQueue/lanes", test_job_queue_lanes);
  g_test_add_func ("/Hs/Board/parse-progress", test_board_progress);
  g_test_add_func ("/Hs/ProbeUsb/classify", test_usb_classify);
  g_test_add_func ("/Hs/Arm64/vttbr", test_arm64_vttbr);
  g_test_add_func ("/Hs/Arm64/ttbr", test_arm64_ttbr);
  g_test_add_func ("/Hs/Arm64/pstate", test_arm64_pstate);
  g_test_add_func ("/Hs/Arm64/tcr", test_arm64_tcr);
  g_test_add_func ("/Hs/Arm64/other", test_arm64_other);
  g_test_add_func ("/Hs/Arm64/key-registers", test_arm64_key_registers);

  return g_test_run ();
}
