"""What the real tools say, for the lineage and gate contract tests.

    python lineage_reference.py dvc REPO COMMIT...    DVC's view at each revision: every out's hash
                                                     (dvc.repo.Repo(rev=...).index.outs), every
                                                     stage's dep hashes (from that revision's
                                                     dvc.lock), and whether the local cache has it
    python lineage_reference.py mlflow TRACKING_URI  MlflowClient's runs and model versions
"""
import json
import os
import posixpath
import sys


def dvc_view(repo, revs):
    from dvc.repo import Repo
    out = {}
    with Repo(repo) as local:
        cache = local.cache.local
        for rev in revs:
            with Repo(repo, rev=rev) as r:
                outs, deps = {}, {}
                for o in r.index.outs:
                    value = o.hash_info.value if o.hash_info else None
                    path = posixpath.normpath(posixpath.join(posixpath.dirname(o.stage.path_in_repo.replace(os.sep, '/')), o.def_path))
                    outs[path] = {
                        'hash': value, 'in_cache': bool(value) and cache.exists(value)}
                for stage in r.index.stages:
                    if stage.is_data_source:
                        continue
                    deps[stage.name] = {d.def_path: (d.hash_info.value if d.hash_info else None) for d in stage.deps}
                out[rev] = {'outs': outs, 'deps': deps}
    return out


def mlflow_view(uri):
    from mlflow import MlflowClient
    c = MlflowClient(uri, registry_uri=uri)
    runs = {}
    exps = [e.experiment_id for e in c.search_experiments()]
    for run in c.search_runs(exps, max_results=1000):
        runs[run.info.run_id] = {
            'name': run.info.run_name,
            'tags': run.data.tags,
            'params': run.data.params,
            'metrics': run.data.metrics,
            'datasets': [{'name': d.dataset.name, 'digest': d.dataset.digest, 'context': next((t.value for t in d.tags if t.key == 'mlflow.data.context'), None)} for d in run.inputs.dataset_inputs],
        }
    versions = []
    aliases = {}
    for m in c.search_registered_models():
        for alias, version in m.aliases.items():
            aliases.setdefault((m.name, str(version)), []).append(alias)
    for v in c.search_model_versions():
        # search_model_versions leaves aliases out; the registered model holds them.
        versions.append({'name': v.name, 'version': str(v.version), 'run_id': v.run_id, 'aliases': sorted(aliases.get((v.name, str(v.version)), [])), 'tags': v.tags, 'source': v.source})
    return {'runs': runs, 'versions': versions}


if __name__ == '__main__':
    if sys.argv[1] == 'dvc':
        print(json.dumps(dvc_view(sys.argv[2], sys.argv[3:])))
    else:
        print(json.dumps(mlflow_view(sys.argv[2])))
