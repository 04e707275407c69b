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
static signed char loader[SLOTS]; /* a loadClass method of the JDK's class loaders */
static int loading_depth;
static uint64_t n_loading;
static uint64_t counts[SLOTS];
static uint64_t charged[SLOTS]; /* by the innermost library method on the stack */
static size_t lib_stack[4096];
static int lib_depth;
static __thread int thread_is_main = -1;

/* The table slot of a method, made on first sight with whether it belongs to the library (main
 * thread only: the table is not shared). */
static size_t slot(jmethodID m) {
  size_t i = (size_t)(((uintptr_t)m >> 3) * 0x9E3779B97F4A7C15ull) & (SLOTS - 1);
  for (int probes = 0; probes < SLOTS; probes++, i = (i + 1) & (SLOTS - 1)) {
    if (keys[i] == m) return i;
    if (keys[i] == NULL) {
      jclass k;
      char *sig = NULL;
      char *name = NULL;
      int lib = 0, load = 0;
      if ((*jvmti)->GetMethodDeclaringClass(jvmti, m, &k) == JVMTI_ERROR_NONE &&
          (*jvmti)->GetClassSignature(jvmti, k, &sig, NULL) == JVMTI_ERROR_NONE) {
        lib = strncmp(sig, "Ldev/terminus/", 14) == 0 && strncmp(sig, "Ldev/terminus/bench/", 20) != 0;
        if ((strcmp(sig, "Ljava/lang/ClassLoader;") == 0 || strncmp(sig, "Ljdk/internal/loader/", 21) == 0) &&
            (*jvmti)->GetMethodName(jvmti, m, &name, NULL, NULL) == JVMTI_ERROR_NONE) {
          load = strcmp(name, "loadClass") == 0;
          (*jvmti)->Deallocate(jvmti, (unsigned char *)name);
        }
        (*jvmti)->Deallocate(jvmti, (unsigned char *)sig);
      }
      keys[i] = m;
      library[i] = (signed char)lib;
      loader[i] = (signed char)load;
      return i;
    }
  }
  return 0; /* full: should not happen; charged to whatever holds slot 0 */
}

static int on_main(JNIEnv *jni, jthread thread) {
  if (thread_is_main < 0) thread_is_main = (*jni)->IsSameObject(jni, thread, main_thread) ? 1 : 0;
  return thread_is_main;
}

static void JNICALL method_entry(jvmtiEnv *j, JNIEnv *jni, jthread thread, jmethodID method) {
  (void)j;
  if (!counting || !on_main(jni, thread)) return;
  size_t i = slot(method);
  if (library[i] && lib_depth < (int)(sizeof lib_stack / sizeof lib_stack[0])) lib_stack[lib_depth++] = i;
  if (loader[i]) loading_depth++;
}

static void JNICALL method_exit(jvmtiEnv *j, JNIEnv *jni, jthread thread, jmethodID method,
                                jboolean by_exception, jvalue value) {
  (void)j;
  (void)by_exception;
  (void)value;
  if (!counting || !on_main(jni, thread)) return;
  size_t i = slot(method);
  if (library[i] && lib_depth > 0 && lib_stack[lib_depth - 1] == i) lib_depth--;
  if (loader[i] && loading_depth > 0) loading_depth--;
}

static void JNICALL single_step(jvmtiEnv *j, JNIEnv *jni, jthread thread, jmethodID method,
                                jlocation location) {
  (void)j;
  (void)location;
  if (!counting) return;
  if (on_main(jni, thread)) {
    size_t i = slot(method);
    n_main++;
    counts[i]++;
    if (library[i]) n_library++;
    if (lib_depth > 0) charged[lib_stack[lib_depth - 1]]++;
    if (loading_depth > 0) n_loading++;
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
    (*j)->SetEventNotificationMode(j, JVMTI_ENABLE, JVMTI_EVENT_METHOD_ENTRY, NULL);
    (*j)->SetEventNotificationMode(j, JVMTI_ENABLE, JVMTI_EVENT_METHOD_EXIT, NULL);
  } else if (strcmp(sig, END) == 0 && counting) {
    counting = 0;
    (*j)->SetEventNotificationMode(j, JVMTI_DISABLE, JVMTI_EVENT_SINGLE_STEP, NULL);
    (*j)->SetEventNotificationMode(j, JVMTI_DISABLE, JVMTI_EVENT_METHOD_ENTRY, NULL);
    (*j)->SetEventNotificationMode(j, JVMTI_DISABLE, JVMTI_EVENT_METHOD_EXIT, NULL);
    FILE *f = fopen(out_path, "w");
    if (f != NULL) {
      fprintf(f, "main %llu library %llu other %llu loading %llu\n", (unsigned long long)n_main,
              (unsigned long long)n_library,
              (unsigned long long)__atomic_load_n(&n_other, __ATOMIC_RELAXED),
              (unsigned long long)n_loading);
      for (size_t i = 0; i < SLOTS; i++) {
        jclass k;
        char *csig = NULL, *name = NULL;
        if (keys[i] == NULL) continue;
        if ((*j)->GetMethodDeclaringClass(j, keys[i], &k) == JVMTI_ERROR_NONE &&
            (*j)->GetClassSignature(j, k, &csig, NULL) == JVMTI_ERROR_NONE &&
            (*j)->GetMethodName(j, keys[i], &name, NULL, NULL) == JVMTI_ERROR_NONE) {
          if (counts[i] > 0) fprintf(f, "method %s %s %llu\n", csig, name, (unsigned long long)counts[i]);
          if (charged[i] > 0) fprintf(f, "caller %s %s %llu\n", csig, name, (unsigned long long)charged[i]);
        }
        if (csig != NULL) (*j)->Deallocate(j, (unsigned char *)csig);
        if (name != NULL) (*j)->Deallocate(j, (unsigned char *)name);
      }
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
  caps.can_generate_method_entry_events = 1;
  caps.can_generate_method_exit_events = 1;
  if ((*jvmti)->AddCapabilities(jvmti, &caps) != JVMTI_ERROR_NONE) return JNI_ERR;
  jvmtiEventCallbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.SingleStep = single_step;
  cb.MethodEntry = method_entry;
  cb.MethodExit = method_exit;
  cb.ClassPrepare = class_prepare;
  if ((*jvmti)->SetEventCallbacks(jvmti, &cb, sizeof cb) != JVMTI_ERROR_NONE) return JNI_ERR;
  return (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_CLASS_PREPARE, NULL) ==
                 JVMTI_ERROR_NONE
             ? JNI_OK
             : JNI_ERR;
}
