# The core's layering as a build fact (issue 11 item 4).
#
# Each directory of the core (lib/<area>) is one OBJECT library,
# strata_area_<area>, declared with the areas it may use. An area is compiled
# against an include tree that holds ONLY its own headers and those of the
# areas it depends on (directly or through them): lib/<area>/*.h and the
# public headers include/strata/*.h that belong to those areas, as symlinks
# under ${PROJECT_BINARY_DIR}/layers/<area>. So the model cannot include
# compile, compile cannot include plan, and no core area can include the
# Kubernetes client, the service or the CLI: such an #include does not
# compile. libstrata.a is made of all the areas' objects, so installed
# consumers see one library as before.
#
#   strata_area(plan DEPS compile yaml)

# Which area each public header belongs to. A new header must be added here;
# configuring fails until it is.
set(STRATA_PUBLIC_HEADER_AREAS
  json=util
  app=model cardinality=model cluster=model config_file=model diagnostic=model
  documents=model limits=model maintenance=model probe=model quantity=model role=model
  rollout_policy=model storage=model observed_state=model object=model
  validate=validate
  emit=emit
  compile=compile
  plan=plan plan_diff=plan
  execute=execute cluster_status=execute rbac=execute
  simulate=sim
  crd=crd
  import=import
  pipeline=pipeline
  # Not part of any core area: the Kubernetes client (lib/kube/client) and the
  # umbrella header, which names everything.
  kube_client=none strata=none)

function(_strata_header_area header out)
  foreach(entry ${STRATA_PUBLIC_HEADER_AREAS})
    string(REPLACE "=" ";" kv "${entry}")
    list(GET kv 0 k)
    list(GET kv 1 v)
    if(k STREQUAL header)
      set(${out} ${v} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "include/strata/${header}.h belongs to no area: add it to "
                      "STRATA_PUBLIC_HEADER_AREAS in cmake/layers.cmake")
endfunction()

# strata_area(NAME [DEPS area...] [LINK target...])
function(strata_area name)
  cmake_parse_arguments(A "" "" "DEPS;LINK;SOURCES" ${ARGN})
  # The areas this one may see: itself and the closure of its DEPS.
  set(allowed ${name})
  foreach(dep ${A_DEPS})
    if(NOT DEFINED STRATA_AREA_CLOSURE_${dep})
      message(FATAL_ERROR "area ${name} depends on ${dep}, which is not declared before it")
    endif()
    list(APPEND allowed ${dep} ${STRATA_AREA_CLOSURE_${dep}})
  endforeach()
  list(REMOVE_DUPLICATES allowed)
  set(STRATA_AREA_CLOSURE_${name} ${allowed} PARENT_SCOPE)
  set(STRATA_AREA_DEPS_${name} ${A_DEPS} PARENT_SCOPE)

  # The include tree: symlinks, rebuilt on every configure.
  set(farm ${PROJECT_BINARY_DIR}/layers/${name})
  file(REMOVE_RECURSE ${farm})
  file(MAKE_DIRECTORY ${farm}/strata)
  foreach(area ${allowed})
    file(GLOB headers ${PROJECT_SOURCE_DIR}/lib/${area}/*.h)
    if(headers)
      file(MAKE_DIRECTORY ${farm}/${area})
    endif()
    foreach(h ${headers})
      get_filename_component(base ${h} NAME)
      file(CREATE_LINK ${h} ${farm}/${area}/${base} SYMBOLIC)
    endforeach()
  endforeach()
  file(GLOB public ${PROJECT_SOURCE_DIR}/include/strata/*.h)
  foreach(h ${public})
    get_filename_component(stem ${h} NAME_WE)
    _strata_header_area(${stem} area)
    if(area IN_LIST allowed)
      file(CREATE_LINK ${h} ${farm}/strata/${stem}.h SYMBOLIC)
    endif()
  endforeach()

  file(GLOB srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/lib/${name}/*.cc)
  # The headers take part in the glob so that adding one re-runs cmake and
  # refreshes the include trees.
  file(GLOB _headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/lib/${name}/*.h
       ${PROJECT_SOURCE_DIR}/include/strata/*.h)
  add_library(strata_area_${name} OBJECT ${srcs} ${A_SOURCES})
  target_include_directories(strata_area_${name} PRIVATE ${farm})
  target_link_libraries(strata_area_${name} PRIVATE ${STRATA_CORE_LINK} ${A_LINK})
  set_property(GLOBAL APPEND PROPERTY STRATA_AREAS ${name})
endfunction()
