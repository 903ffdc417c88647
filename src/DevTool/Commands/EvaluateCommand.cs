using System.CommandLine;
using Insights.Contracts;
using Insights.Evaluation;
using Insights.Evaluation.Data;
using Insights.Evaluation.Protocols;
using Insights.Evaluation.Reports;
using Insights.Evaluation.Training;
using Insights.Processors.Hosting;
using Insights.Propensity.Scoring;

namespace Insights.DevTool.Commands;

/// <summary>
/// `insights evaluate`: replays a MovieLens dataset through the streaming model under the LLO or
/// prequential protocol and reports the model and the baselines side by side.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo>("--dataset") { Description = "Dataset folder (ml-100k layout or MovieLens CSV layout).", Required = true };
        var protocol = new Option<string>("--protocol")
        {
            Description = "llo (leave-last-out, full ranking), prequential, or tree-ranker (research: docs/model.md; needs --model).",
            DefaultValueFactory = _ => "llo",
        };
        protocol.AcceptOnlyFromAmong("llo", "prequential", "tree-ranker");
        var model = new Option<FileInfo?>("--model") { Description = "Trained model file; without it a model is trained on the validation split first." };
        var report = new Option<DirectoryInfo?>("--report") { Description = "Folder for the markdown report and the HR@k plot." };
        var json = new Option<bool>("--json") { Description = "Print only a JSON array of per-method figures on stdout." };
        var withTest = new Option<bool>("--with-test") { Description = "tree-ranker: also score the test events, with the setting chosen on validation." };

        var command = new Command("evaluate", "Evaluate the propensity model against baselines on a MovieLens dataset.")
        {
            dataset, protocol, model, report, json, withTest,
        };
        command.SetAction((parse, ct) =>
        {
            var data = LoadDataset(parse.GetValue(dataset)!);
            var trained = parse.GetValue(model) is { } file ? LoadModel(file) : null;
            var chosen = parse.GetValue(protocol)!;
            if (chosen == "tree-ranker")
            {
                if (trained is null) throw new CommandLineError("--protocol tree-ranker compares against a trained model: give --model");
                TreeRankerStudy.Run(data, trained, parse.GetValue(withTest), Console.WriteLine);
                return Task.FromResult(0);
            }
            // Progress on stderr: stdout stays clean for --json.
            var result = ProgressBars.ForStages<EvaluationProgress, EvaluationResult>(p => (p.Stage, p.Fraction), progress => chosen == "prequential"
                ? PrequentialEvaluation.Run(data, trained, progress)
                : LeaveLastOutEvaluation.Run(data, trained, progress));

            if (parse.GetValue(report) is { } folder)
            {
                var path = ReportWriter.Write(result, folder.FullName);
                Console.Error.WriteLine($"report written to {path}");
            }
            if (parse.GetValue(json))
            {
                // The markdown states it; with --json it goes to stderr, beside the progress.
                if (result.EaseInverse is { } inverse) Console.Error.WriteLine($"EASE's Gram matrix inverted with {inverse}");
                Console.WriteLine(MethodSummary.ToJson(result));
            }
            else Console.Write(MarkdownReport.Render(result, null));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Loads a dataset; a missing or malformed file becomes one line naming it.</summary>
    internal static Dataset LoadDataset(DirectoryInfo folder)
    {
        try
        {
            return DatasetLoader.Load(folder.FullName);
        }
        catch (DatasetException e)
        {
            throw new CommandLineError(e.Message);
        }
        catch (IOException e)
        {
            throw new CommandLineError($"{folder.FullName}: {e.Message}");
        }
    }

    /// <summary>The workers' model loader; a missing or malformed file becomes one line naming it.</summary>
    private static PropensityModel LoadModel(FileInfo file)
    {
        if (!file.Exists) throw new CommandLineError($"{file.FullName}: model file not found");
        try { return ScoringStream.LoadModel(file.FullName); }
        catch (FormatException e) { throw new CommandLineError(e.Message); }
    }
}
