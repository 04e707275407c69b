/*
 * A JVMTI agent that counts the bytecodes executed between two marker classes, for bench/run.sh.
 *
 *   java -agentpath:bench/out/libbytecodes.so=OUT_FILE -cp ... dev.terminus.bench.proc.TerminusApp startpath
 *
 * Counting starts when dev.terminus.bench.proc.StartMark is prepared (just before Terminus.run)
 * and stops when dev.terminus.bench.proc.BodyMark is (first thing in the body). In between, every
 * thread runs in the interpreter and reports each bytecode (JVMTI SingleStep), so every bytecode
 * is counted, the JDK's included; product JVMs have no other way to count them (-XX:+CountBytecodes
 * exists only in debug builds). OUT_FILE receives one line:
 *
 *   main N library L other O
 *
 * N bytecodes on the thread that called Terminus.run, L of them in dev.terminus classes (outside
 * dev.terminus.bench), O on every other thread meanwhile.
 */
#include <jvmti.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define START "Ldev/terminus/bench/proc/StartMark;"
#define END "Ldev/terminus/bench/proc/BodyMark;"
#define SLOTS 65536 /* a power of two, larger than the methods run between the marks */

static jvmtiEnv *jvmti;
static char out_path[4096];
static volatile int counting;
static jobject main_thread;
static uint64_t n_main, n_library, n_other;
static jmethodID keys[SLOTS];
static signed char library[SLOTS];
static __thread int thread_is_main = -1;

/* Whether a method belongs to the library; cached per method (main thread only). */
static int is_library(jmethodID m) {
  size_t i = (size_t)(((uintptr_t)m >> 3) * 0x9E3779B97F4A7C15ull) & (SLOTS - 1);
  for (int probes = 0; probes < SLOTS; probes++, i = (i + 1) & (SLOTS - 1)) {
    if (keys[i] == m) return library[i];
    if (keys[i] == NULL) {
      jclass k;
      char *sig = NULL;
      int lib = 0;
      if ((*jvmti)->GetMethodDeclaringClass(jvmti, m, &k) == JVMTI_ERROR_NONE &&
          (*jvmti)->GetClassSignature(jvmti, k, &sig, NULL) == JVMTI_ERROR_NONE) {
        lib = strncmp(sig, "Ldev/terminus/", 14) == 0 && strncmp(sig, "Ldev/terminus/bench/", 20) != 0;
        (*jvmti)->Deallocate(jvmti, (unsigned char *)sig);
      }
      keys[i] = m;
      library[i] = (signed char)lib;
      return lib;
    }
  }
  return 0;
}

static void JNICALL single_step(jvmtiEnv *j, JNIEnv *jni, jthread thread, jmethodID method,
                                jlocation location) {
  (void)j;
  (void)location;
  if (!counting) return;
  if (thread_is_main < 0) thread_is_main = (*jni)->IsSameObject(jni, thread, main_thread) ? 1 : 0;
  if (thread_is_main) {
    n_main++;
    if (is_library(method)) n_library++;
  } else {
    __atomic_fetch_add(&n_other, 1, __ATOMIC_RELAXED);
  }
}

static void JNICALL class_prepare(jvmtiEnv *j, JNIEnv *jni, jthread thread, jclass klass) {
  char *sig = NULL;
  if ((*j)->GetClassSignature(j, klass, &sig, NULL) != JVMTI_ERROR_NONE) return;
  if (strcmp(sig, START) == 0) {
    main_thread = (*jni)->NewGlobalRef(jni, thread);
    counting = 1;
    (*j)->SetEventNotificationMode(j, JVMTI_ENABLE, JVMTI_EVENT_SINGLE_STEP, NULL);
  } else if (strcmp(sig, END) == 0 && counting) {
    counting = 0;
    (*j)->SetEventNotificationMode(j, JVMTI_DISABLE, JVMTI_EVENT_SINGLE_STEP, NULL);
    FILE *f = fopen(out_path, "w");
    if (f != NULL) {
      fprintf(f, "main %llu library %llu other %llu\n", (unsigned long long)n_main,
              (unsigned long long)n_library,
              (unsigned long long)__atomic_load_n(&n_other, __ATOMIC_RELAXED));
      fclose(f);
    }
  }
  (*j)->Deallocate(j, (unsigned char *)sig);
}

JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM *vm, char *options, void *reserved) {
  (void)reserved;
  if (options == NULL || strlen(options) >= sizeof out_path) {
    fprintf(stderr, "bytecodes: usage: -agentpath:libbytecodes.so=OUT_FILE\n");
    return JNI_ERR;
  }
  strcpy(out_path, options);
  if ((*vm)->GetEnv(vm, (void **)&jvmti, JVMTI_VERSION_1_2) != JNI_OK) return JNI_ERR;
  jvmtiCapabilities caps;
  memset(&caps, 0, sizeof caps);
  caps.can_generate_single_step_events = 1;
  if ((*jvmti)->AddCapabilities(jvmti, &caps) != JVMTI_ERROR_NONE) return JNI_ERR;
  jvmtiEventCallbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.SingleStep = single_step;
  cb.ClassPrepare = class_prepare;
  if ((*jvmti)->SetEventCallbacks(jvmti, &cb, sizeof cb) != JVMTI_ERROR_NONE) return JNI_ERR;
  return (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_CLASS_PREPARE, NULL) ==
                 JVMTI_ERROR_NONE
             ? JNI_OK
             : JNI_ERR;
}
