# The `insights` program: one image for every role (worker, sink, api, capture, topics), chosen by command.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN dotnet publish src/Program/Insights.Program.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY stack/topics.json ./topics.json
COPY models/ ./models/
ENV INSIGHTS_HOME=/app
# The runtime image ships an unprivileged `app` user (uid 1654); nothing here needs root.
USER app
ENTRYPOINT ["dotnet", "/app/insights.dll"]
CMD ["--help"]
