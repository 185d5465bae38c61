# Unity builds for the lab's libraries: the .cpp files of a library are compiled a group at a time
# as one translation unit, so that Eigen, nlohmann::json and the lab's headers are parsed,
# and their inline code instantiated and optimised, once per group instead of once per file. Eight
# mdp sources took 48.4 s of g++ -O3 CPU one by one and 29.8 s as one unit; a clean build compiles
# the libraries three times (native, ASan, wasm), which is most of the test command's time.
#
# Every *_experiment.cpp defines the Experiment boilerplate (table(), Curve, Final, kCheckpoints, …)
# in its anonymous namespace, so a group holds at most one of them. Apart from that, the files of
# one library must not share file-scope names (a helper in an anonymous namespace has a name
# distinct within its folder): the compiler says so at once when they do.
#
#   klab_unity_build(<target>...)   call after the targets exist (any directory)
set(KLAB_UNITY_GROUP_SIZE 8 CACHE STRING "Sources per unity translation unit (at most)")
option(KLAB_UNITY "Unity builds for the lab's libraries (cmake/unity.cmake)" ON)

function(klab_unity_build)
  if(NOT KLAB_UNITY)
    return()
  endif()
  foreach(target ${ARGN})
    if(NOT TARGET ${target})
      continue()  # e.g. the UI libraries of a build without the GUI
    endif()
    get_target_property(sources ${target} SOURCES)
    get_target_property(source_dir ${target} SOURCE_DIR)
    set(experiments "")
    set(others "")
    foreach(source ${sources})
      if(NOT source MATCHES "\\.cpp$" OR IS_ABSOLUTE "${source}")
        continue()  # generated files (embedded fonts and shaders) and headers stay as they are
      endif()
      if(source MATCHES "_experiment\\.cpp$")
        list(APPEND experiments ${source_dir}/${source})
      else()
        list(APPEND others ${source_dir}/${source})
      endif()
    endforeach()
    list(LENGTH experiments n_experiments)
    list(LENGTH others n_others)
    math(EXPR n_all "${n_experiments} + ${n_others}")
    math(EXPR n_groups "(${n_all} + ${KLAB_UNITY_GROUP_SIZE} - 1) / ${KLAB_UNITY_GROUP_SIZE}")
    if(n_groups LESS n_experiments)
      set(n_groups ${n_experiments})
    endif()
    # Experiment i goes to group i; the other files are dealt round the groups.
    set(index 0)
    foreach(source ${experiments} ${others})
      math(EXPR group "${index} % ${n_groups}")
      set_source_files_properties(${source} TARGET_DIRECTORY ${target} PROPERTIES UNITY_GROUP ${target}_${group})
      math(EXPR index "${index} + 1")
    endforeach()
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
  endforeach()
endfunction()
